//! A small CSV reader (RFC 4180 as spreadsheets write it): comma-separated fields, fields in
//! double quotes may hold commas, line breaks and doubled quotes (`""`), lines end in LF or CRLF,
//! a UTF-8 byte order mark is skipped and blank lines are ignored.

/// A record and the line it starts on (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub line: usize,
    pub fields: Vec<String>,
}

/// A quote opened and never closed, on this line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unterminated {
    pub line: usize,
}

pub fn parse(text: &str) -> Result<Vec<Record>, Unterminated> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    // Whether the current record has anything yet (a blank line has not).
    let mut started = false;
    let mut line = 1;
    let mut record_line = 1;
    let mut quote_line = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                '\r' if chars.peek() == Some(&'\n') => {}
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' => {
                if !started {
                    record_line = line;
                }
                in_quotes = true;
                started = true;
                quote_line = line;
            }
            ',' => {
                if !started {
                    record_line = line;
                }
                started = true;
                fields.push(std::mem::take(&mut field));
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                if started {
                    fields.push(std::mem::take(&mut field));
                    records.push(Record { line: record_line, fields: std::mem::take(&mut fields) });
                }
                started = false;
                line += 1;
            }
            c => {
                if !started {
                    record_line = line;
                }
                started = true;
                field.push(c);
            }
        }
    }
    if in_quotes {
        return Err(Unterminated { line: quote_line });
    }
    if started {
        fields.push(field);
        records.push(Record { line: record_line, fields });
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<Vec<String>> {
        parse(text).unwrap().into_iter().map(|r| r.fields).collect()
    }

    #[test]
    fn plain_fields_and_line_endings() {
        assert_eq!(rows("a,b,c\n1,2,3\n"), vec![vec!["a", "b", "c"], vec!["1", "2", "3"]]);
        assert_eq!(rows("a,b\r\n1,2\r\n"), vec![vec!["a", "b"], vec!["1", "2"]]);
        assert_eq!(rows("a,b\n1,2"), vec![vec!["a", "b"], vec!["1", "2"]], "no final line break");
        assert_eq!(rows("a,,c\n,\n"), vec![vec!["a", "", "c"], vec!["", ""]], "empty fields");
        assert_eq!(rows("\u{feff}姓名,电话\n王五,138\n"), vec![vec!["姓名", "电话"], vec!["王五", "138"]], "BOM skipped");
        assert!(rows("").is_empty());
    }

    #[test]
    fn quoted_fields_hold_commas_quotes_and_line_breaks() {
        assert_eq!(
            rows("name,note\n\"王, 五\",\"说 \"\"你好\"\"\"\n"),
            vec![vec!["name", "note"], vec!["王, 五", "说 \"你好\""]]
        );
        assert_eq!(rows("a,\"line 1\nline 2\",c\n"), vec![vec!["a", "line 1\nline 2", "c"]]);
        assert_eq!(rows("a,\"line 1\r\nline 2\"\r\n"), vec![vec!["a", "line 1\nline 2"]]);
        assert_eq!(rows("\"\",x\n"), vec![vec!["", "x"]], "an empty quoted field");
    }

    #[test]
    fn blank_lines_are_skipped_and_lines_are_counted() {
        let records = parse("h1,h2\n\n\"multi\nline\",x\n\nlast,y\n").unwrap();
        let lines: Vec<usize> = records.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![1, 3, 6]);
    }

    #[test]
    fn an_unclosed_quote_is_an_error_with_its_line() {
        assert_eq!(parse("a,b\n1,\"open\n2,3\n"), Err(Unterminated { line: 2 }));
    }
}
