//! Error-code enums: what the spec documents about each code, and the macro generated code uses
//! to declare an enum of codes as a table (one line per code).

/// What the spec documents about one error code. Generated code declares each code's facts once;
/// the client (retries, hints), the mock server (messages) and `Display` read them from there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CodeFacts {
    /// The message Tencent documents for the code.
    pub message: &'static str,
    /// A call that failed with the code may be sent again safely.
    pub retryable: bool,
    /// What the caller can do about it, when the cause is on the caller's side.
    pub hint: Option<&'static str>,
}

impl CodeFacts {
    /// A code with this documented message, not retryable, without a hint.
    pub const fn new(message: &'static str) -> Self {
        CodeFacts { message, retryable: false, hint: None }
    }

    /// The same facts, safe to retry.
    pub const fn retryable(self) -> Self {
        CodeFacts { retryable: true, ..self }
    }

    /// The same facts with a hint for the caller.
    pub const fn hint(self, hint: &'static str) -> Self {
        CodeFacts { hint: Some(hint), ..self }
    }
}

/// Declares an error-code enum from a table: each variant, the code the server sends, and its
/// facts ([`CodeFacts`]), plus `Unknown(String)` for codes the table does not list. It
/// implements [`ErrorCode`](crate::ErrorCode), [`KnownCodes`] and `Display`. The table is written
/// as an enum whose discriminants are `(code, facts)`, so that it reads (and formats) as Rust.
///
/// ```
/// tcapi_runtime::error_codes! {
///     /// Codes of a demo action.
///     pub enum DemoErrorCode {
///         /// `FailedOperation.Busy`: try again later.
///         FailedOperationBusy = ("FailedOperation.Busy", tcapi_runtime::CodeFacts::new("Try again later.").retryable()),
///     }
/// }
/// use tcapi_runtime::ErrorCode;
/// assert_eq!(DemoErrorCode::from_code("FailedOperation.Busy"), DemoErrorCode::FailedOperationBusy);
/// assert!(DemoErrorCode::FailedOperationBusy.is_retryable());
/// assert_eq!(DemoErrorCode::from_code("Other").to_string(), "Other");
/// ```
#[macro_export]
macro_rules! error_codes {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident = ($code:literal, $facts:expr $(,)?), )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        $vis enum $name {
            $( #[doc = ::core::concat!("`", $code, "`")] $(#[$variant_meta])* $variant, )*
            /// A code the spec does not list, as the server sent it.
            Unknown(::std::string::String),
        }

        impl $crate::ErrorCode for $name {
            fn from_code(code: &str) -> Self {
                match code {
                    $( $code => Self::$variant, )*
                    other => Self::Unknown(::std::borrow::ToOwned::to_owned(other)),
                }
            }

            fn code(&self) -> &str {
                match self {
                    $( Self::$variant => $code, )*
                    Self::Unknown(code) => code,
                }
            }

            fn facts(&self) -> ::core::option::Option<&'static $crate::CodeFacts> {
                match self {
                    $( Self::$variant => {
                        const FACTS: &$crate::CodeFacts = &$facts;
                        ::core::option::Option::Some(FACTS)
                    } )*
                    Self::Unknown(_) => ::core::option::Option::None,
                }
            }
        }

        impl $crate::codes::KnownCodes for $name {
            const CODES: &'static [&'static str] = &[ $( $code, )* ];
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                $crate::action::fmt_error_code(self, f)
            }
        }
    };
}

/// The codes an error-code enum lists (for tests and tools).
pub trait KnownCodes {
    /// Every code of the table, in order.
    const CODES: &'static [&'static str];
}

#[cfg(test)]
mod tests {
    use crate::ErrorCode;

    const BUSY: crate::CodeFacts = crate::CodeFacts::new("Busy.").hint("wait");

    crate::error_codes! {
        /// Test codes.
        pub enum TestCode {
            /// Busy.
            Busy = ("FailedOperation.Busy", BUSY),
            /// Gone.
            Gone = ("ResourceNotFound", crate::CodeFacts::new("Gone.").retryable()),
        }
    }

    #[test]
    fn codes_parse_show_and_keep_their_facts() {
        assert_eq!(TestCode::from_code("FailedOperation.Busy"), TestCode::Busy);
        assert_eq!(TestCode::Busy.code(), "FailedOperation.Busy");
        assert_eq!(TestCode::Busy.to_string(), "FailedOperation.Busy (Busy.)");
        assert_eq!(TestCode::Busy.hint(), Some("wait"));
        assert!(!TestCode::Busy.is_retryable() && TestCode::Gone.is_retryable());
        let unknown = TestCode::from_code("Other.Code");
        assert_eq!(unknown, TestCode::Unknown("Other.Code".into()));
        assert_eq!((unknown.to_string(), unknown.facts()), ("Other.Code".to_owned(), None));
    }
}
