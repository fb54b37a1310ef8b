//! Walking every page of a list action, as an async `Stream` of items.
//!
//! Generated code declares, per paginated action, where the offset, the total and the items are
//! ([`Paginated`]); this one generic function does the walking.

use futures_core::Stream;

use super::{Action, BuildError, Client, Error};

/// A request of a list action paginated by offset: what [`paginate`] needs to know about it.
pub trait Paginated: Action + Clone + Send + Sync + 'static {
    /// One element of a page.
    type Item: Send + 'static;
    /// The offset of the first item this request asks for.
    fn offset(&self) -> u64;
    /// The same request, asking for the page that starts at `offset`.
    fn with_offset(&self, offset: u64) -> Self;
    /// The total number of items the server reports, if it does.
    fn total_count(output: &Self::Output) -> Option<u64>;
    /// The items of a page.
    fn into_items(output: Self::Output) -> Vec<Self::Item>;
}

struct Pages<A: Paginated> {
    client: Client,
    next: Option<Result<A, BuildError>>,
    buffer: std::vec::IntoIter<A::Item>,
}

/// Every item of every page, starting at the request's offset. Pages are fetched one at a time,
/// when the previous page's items have been consumed, each through the client's rate limiter and
/// retries. The stream ends after the last page (an empty page, or the reported total reached) or
/// after the first error, which it yields.
pub fn paginate<A: Paginated>(
    client: Client,
    request: Result<A, BuildError>,
) -> impl Stream<Item = Result<A::Item, Error<A::ErrorCode>>> + Send
where
    A::Output: Send,
{
    let pages = Pages { client, next: Some(request), buffer: Vec::new().into_iter() };
    futures_util::stream::unfold(pages, |mut pages| async move {
        loop {
            if let Some(item) = pages.buffer.next() {
                return Some((Ok(item), pages));
            }
            let request = match pages.next.take()? {
                Ok(request) => request,
                Err(error) => return Some((Err(Error::Build(error)), pages)),
            };
            let output = match pages.client.send(&request).await {
                Ok(output) => output,
                Err(error) => return Some((Err(error), pages)),
            };
            let total = A::total_count(&output);
            let items = A::into_items(output);
            let next_offset = request.offset().saturating_add(items.len() as u64);
            if !items.is_empty() && total.is_none_or(|total| next_offset < total) {
                pages.next = Some(Ok(request.with_offset(next_offset)));
            }
            pages.buffer = items.into_iter();
        }
    })
}
