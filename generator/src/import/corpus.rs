//! The response corpus for decoding work: every documented example of a service version whose
//! output is JSON, as Tencent published it (not filtered by the spec, not reformatted), one file
//! per service version: `{"service", "version", "module", "examples": [{"action", "title",
//! "response"}]}`.

use serde::Serialize;

use super::metadata::ExamplesFile;

/// One service version's corpus file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorpusFile {
    /// The module the naming rule gives the version (`clb`, `clb_20230417`): the file is
    /// `<module>.json`.
    pub module: String,
    /// The file's text (pretty JSON with a final newline; the same metadata gives the same bytes).
    pub text: String,
    /// Examples written.
    pub examples: usize,
    /// Examples left out because their output is not JSON.
    pub skipped: usize,
}

#[derive(Serialize)]
struct File<'a> {
    service: &'a str,
    version: &'a str,
    module: &'a str,
    examples: Vec<Example<'a>>,
}

#[derive(Serialize)]
struct Example<'a> {
    action: &'a str,
    title: &'a str,
    response: &'a str,
}

/// The corpus of one service version: `service` is its short name, `version` its API version.
pub fn corpus(service: &str, version: &str, module: &str, examples: &ExamplesFile) -> CorpusFile {
    let mut kept = Vec::new();
    let mut skipped = 0;
    for (action, list) in &examples.actions {
        for example in list {
            if serde_json::from_str::<serde_json::Value>(&example.output).is_ok() {
                kept.push(Example { action, title: &example.title, response: &example.output });
            } else {
                skipped += 1;
            }
        }
    }
    let count = kept.len();
    let file = File { service, version, module, examples: kept };
    // Serializing strings and lists cannot fail.
    let text = serde_json::to_string_pretty(&file).unwrap_or_default() + "\n";
    CorpusFile { module: module.to_owned(), text, examples: count, skipped }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn json_outputs_are_kept_as_published() {
        let examples: ExamplesFile = serde_json::from_str(
            r#"{"actions": {"B": [{"title": "t1", "input": "x", "output": "{\n \"Response\": {\"RequestId\": \"r\"}\n}"},
                                  {"title": "t2", "input": "x", "output": "not json"}],
                            "A": [{"title": "t3", "input": "x", "output": "{\"Response\": {}}"}]}}"#,
        )
        .unwrap();
        let file = corpus("demo", "2024-01-01", "demo", &examples);
        assert_eq!((file.examples, file.skipped), (2, 1));
        let value: serde_json::Value = serde_json::from_str(&file.text).unwrap();
        assert_eq!(value["examples"][0]["action"], "B");
        assert_eq!(value["examples"][0]["response"], "{\n \"Response\": {\"RequestId\": \"r\"}\n}");
        assert_eq!(value["examples"][1]["action"], "A");
        assert_eq!(corpus("demo", "2024-01-01", "demo", &examples), file);
    }
}
