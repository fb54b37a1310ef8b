//! Walking every page of a list action, as an async `Stream` of items.
//!
//! Generated code declares, per paginated action, where its page stands and where the items,
//! the total and the next page's token are ([`Paginated`]); this one generic function does the
//! walking, for the three ways Tencent's APIs page: an offset and a limit (`Offset`/`Limit`, as
//! integers or as strings of digits), a page number and a page size (`Page`/`Rp`,
//! `PageNumber`/`PageSize`), or a continuation token (`NextToken`).

pub use futures_core::Stream;

use super::{Action, BuildError, Client, Error};

/// Where a request's page stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    /// The offset of the page's first item, starting at 0.
    Offset(u64),
    /// The page number, starting at 1 (0 when the request leaves it unset: the first page).
    Page(u64),
    /// The continuation token of the page, `None` for the first one.
    Token(Option<String>),
}

impl Position {
    /// The offset or page number.
    pub fn number(&self) -> u64 {
        match self {
            Position::Offset(number) | Position::Page(number) => *number,
            Position::Token(_) => 0,
        }
    }

    /// The token.
    pub fn token(&self) -> Option<String> {
        match self {
            Position::Token(token) => token.clone(),
            _ => None,
        }
    }
}

/// A request of a list action: what [`paginate`] needs to know about it.
pub trait Paginated: Action + Clone + Send + Sync + 'static {
    /// One element of a page.
    type Item: Send + 'static;
    /// Where this request's page stands.
    fn position(&self) -> Position;
    /// The same request, asking for the page at `position`.
    fn with_position(&self, position: Position) -> Self;
    /// The page size the request asks for, if it says.
    fn page_size(&self) -> Option<u64> {
        None
    }
    /// The total number of items the server reports, if it does.
    fn total(_output: &Self::Output) -> Option<u64> {
        None
    }
    /// The next page's token, if the server gives one.
    fn next_token(_output: &Self::Output) -> Option<String> {
        None
    }
    /// The items of a page.
    fn into_items(output: Self::Output) -> Vec<Self::Item>;
}

/// A member holding an offset, a page number or a count: an integer, a string of digits (some
/// vpc actions), or an optional one.
pub trait PageNumber {
    /// The number, when it is set and is one.
    fn number(&self) -> Option<u64>;
    /// Sets the number.
    fn set(&mut self, number: u64);
}

impl PageNumber for u64 {
    fn number(&self) -> Option<u64> {
        Some(*self)
    }
    fn set(&mut self, number: u64) {
        *self = number;
    }
}

impl PageNumber for i64 {
    fn number(&self) -> Option<u64> {
        u64::try_from(*self).ok()
    }
    fn set(&mut self, number: u64) {
        *self = i64::try_from(number).unwrap_or(i64::MAX);
    }
}

impl PageNumber for String {
    fn number(&self) -> Option<u64> {
        self.trim().parse().ok()
    }
    fn set(&mut self, number: u64) {
        *self = number.to_string();
    }
}

impl<T: PageNumber + Default> PageNumber for Option<T> {
    fn number(&self) -> Option<u64> {
        self.as_ref().and_then(PageNumber::number)
    }
    fn set(&mut self, number: u64) {
        self.get_or_insert_with(T::default).set(number);
    }
}

/// A member holding the next page's token: empty means there is none.
pub trait PageToken {
    /// The token, when there is one.
    fn token(&self) -> Option<String>;
}

impl PageToken for String {
    fn token(&self) -> Option<String> {
        (!self.is_empty()).then(|| self.clone())
    }
}

impl PageToken for Option<String> {
    fn token(&self) -> Option<String> {
        self.as_ref().and_then(PageToken::token)
    }
}

/// The member holding a page's items: a list, or an optional one.
pub trait PageItems<T> {
    /// The items.
    fn into_items(self) -> Vec<T>;
}

impl<T> PageItems<T> for Vec<T> {
    fn into_items(self) -> Vec<T> {
        self
    }
}

impl<T> PageItems<T> for Option<Vec<T>> {
    fn into_items(self) -> Vec<T> {
        self.unwrap_or_default()
    }
}

struct Pages<A: Paginated> {
    client: Client,
    next: Option<Result<A, BuildError>>,
    buffer: std::vec::IntoIter<A::Item>,
    /// Items yielded so far, to stop at the reported total.
    seen: u64,
}

/// The request for the page after `request`'s, or `None` when `request`'s page was the last: an
/// empty page, the reported total reached, or no (or the same) continuation token.
fn next_request<A: Paginated>(
    request: &A,
    count: u64,
    seen: u64,
    total: Option<u64>,
    token: Option<String>,
) -> Option<A> {
    if count == 0 {
        return None;
    }
    let next = match request.position() {
        Position::Offset(offset) => {
            let next = offset.saturating_add(count);
            if total.is_some_and(|total| next >= total) {
                return None;
            }
            Position::Offset(next)
        }
        Position::Page(_) if total.is_some_and(|total| seen >= total) => return None,
        // A page smaller than asked for is the last one, when the request says its size.
        Position::Page(_) if total.is_none() && request.page_size().is_some_and(|size| count < size) => return None,
        Position::Page(page) => Position::Page(page.max(1).saturating_add(1)),
        Position::Token(current) => match token {
            Some(token) if Some(&token) != current.as_ref() => Position::Token(Some(token)),
            _ => return None,
        },
    };
    Some(request.with_position(next))
}

/// Every item of every page, starting at the request's page. Pages are fetched one at a time,
/// when the previous page's items have been consumed, each through the client's rate limiter and
/// retries. The stream ends after the last page or after the first error, which it yields.
pub fn paginate<A: Paginated>(
    client: Client,
    request: Result<A, BuildError>,
) -> impl Stream<Item = Result<A::Item, Error<A::ErrorCode>>> + Send
where
    A::Output: Send,
{
    let pages = Pages { client, next: Some(request), buffer: Vec::new().into_iter(), seen: 0 };
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
            let total = A::total(&output);
            let token = A::next_token(&output);
            let items = A::into_items(output);
            let count = items.len() as u64;
            pages.seen = pages.seen.saturating_add(count);
            pages.next = next_request(&request, count, pages.seen, total, token).map(Ok);
            pages.buffer = items.into_iter();
        }
    })
}
