//! The runtime's table macros (`error_codes!`, `string_enum!`, `integer_enum!`) written one entry
//! per line. prettyplease prints the body of a macro it does not know as a run of tokens, and a
//! parsed expression wrapped across lines; a table reads best as a table, so it is printed here.
//! The body is an enum whose discriminants are the entries' values, which syn checks parses.

use proc_macro2::Literal;

/// A macro invocation around an enum written as a table.
#[derive(Debug, Clone)]
pub struct Table {
    /// The macro (`::tcapi_runtime::error_codes`).
    pub macro_path: &'static str,
    /// The enum's doc, as markdown lines.
    pub docs: Vec<String>,
    /// The enum's name.
    pub name: String,
    /// One per variant.
    pub entries: Vec<Entry>,
}

/// One variant of a table.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Its doc, as markdown lines (may be empty).
    pub docs: Vec<String>,
    /// The variant (an identifier, already checked).
    pub variant: String,
    /// The value, as Rust source text.
    pub value: String,
}

/// A Rust string literal for `text`, escaped as proc-macro2 does.
pub fn string_literal(text: &str) -> String {
    Literal::string(text).to_string()
}

impl Table {
    /// The invocation's text, or why it is not Rust (a bug of the generator).
    pub fn render(&self) -> Result<String, String> {
        let mut body = String::new();
        for line in &self.docs {
            body.push_str(&format!("    ///{}{line}\n", if line.is_empty() { "" } else { " " }));
        }
        body.push_str(&format!("    pub enum {} {{\n", self.name));
        for entry in &self.entries {
            for line in &entry.docs {
                body.push_str(&format!("        ///{}{line}\n", if line.is_empty() { "" } else { " " }));
            }
            body.push_str(&format!("        {} = {},\n", entry.variant, entry.value));
        }
        body.push_str("    }\n");
        syn::parse_str::<syn::ItemEnum>(&body)
            .map_err(|error| format!("the table `{}` is not Rust: {error}", self.name))?;
        Ok(format!("{}! {{\n{body}}}\n", self.macro_path))
    }
}
