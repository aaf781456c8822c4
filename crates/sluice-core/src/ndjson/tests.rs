use super::*;
use crate::test_support::Buffers;

fn types(names: &str) -> Vec<NdjsonType> {
    names
        .split(',')
        .map(|n| NdjsonType::from_name(n).unwrap())
        .collect()
}

fn parser(cols: &[(&str, &str)], declared: bool) -> NdjsonParser {
    NdjsonParser::new(
        cols.iter().map(|(n, _)| n.to_string()).collect(),
        cols.iter()
            .map(|(_, t)| NdjsonType::from_name(t).unwrap())
            .collect(),
        SchemaOrigin {
            declared,
            sample_lines: if declared { None } else { Some(3) },
        },
    )
}

/// Parses `input` whole (eof) with room for `rows` rows.
fn run(p: &mut NdjsonParser, input: &str, rows: usize) -> (NdjsonChunk, Buffers) {
    let types: Vec<CsvType> = p.types().iter().map(|t| t.buffer()).collect();
    let mut out = Buffers::new(&types, rows);
    let mut columns = out.columns(&types);
    let chunk = p
        .parse(input.as_bytes(), true, 1, &mut columns, 0, rows)
        .unwrap();
    drop(columns);
    (chunk, out)
}

fn error_of(cols: &[(&str, &str)], declared: bool, input: &str) -> (u64, Option<u32>, String) {
    let mut p = parser(cols, declared);
    let (chunk, _) = run(&mut p, input, 16);
    let e = chunk.error.expect("an error");
    (e.line, e.column, e.detail)
}

#[test]
fn reads_every_type_with_nulls_missing_keys_and_blank_lines() {
    let mut p = parser(
        &[
            ("i", "int64"),
            ("f", "float64"),
            ("b", "bool"),
            ("s", "utf8"),
            ("n", "int32"),
        ],
        true,
    );
    let input = "\u{20}{\"i\": 9007199254740993, \"f\": -0, \"b\": true, \"s\": \"x\", \"n\": -5}\r\n\n  \t\n{\"s\":\"x\",\"f\":\"NaN\",\"extra\":{\"a\":[1,{\"b\":null}]},\"i\":null}\n{\"s\":[1, 2],\"i\":-9223372036854775808,\"f\":1e400,\"b\":false,\"n\":2147483647}";
    let (chunk, out) = run(&mut p, input, 8);
    assert_eq!(chunk.error, None);
    assert_eq!(
        (chunk.rows, chunk.line, chunk.consumed),
        (3, 6, input.len())
    );
    assert_eq!(out.i64s[0][..3], [9007199254740993, 0, i64::MIN]);
    assert!(!out.is_valid(0, 1));
    assert!(out.f64s[1][0] == 0.0 && out.f64s[1][0].is_sign_negative());
    assert!(out.f64s[1][1].is_nan());
    assert_eq!(out.f64s[1][2], f64::INFINITY);
    assert_eq!(out.u8s[2][..3], [1, 0, 0]);
    assert!(!out.is_valid(2, 1) && out.is_valid(2, 2));
    assert_eq!(out.i32s[3][..3], [0, 0, 1]);
    let d = p.dictionary(3);
    assert_eq!(d.bytes(), b"x[1, 2]");
    assert_eq!(d.offsets(), [0, 1, 7]);
    assert_eq!(out.i32s[4][..3], [-5, 0, 2147483647]);
    assert!(!out.is_valid(4, 1));
}

#[test]
fn unescapes_strings_and_keys() {
    let mut p = parser(&[("k\"ey", "utf8")], true);
    let (chunk, _) = run(
        &mut p,
        r#"{"k\u0022ey": "a\n\"\\\u00e9\ud83d\ude00\ud800z"}"#,
        2,
    );
    assert_eq!(chunk.error, None);
    assert_eq!(chunk.rows, 1);
    assert_eq!(p.dictionary(0).bytes(), "a\n\"\\é😀\u{fffd}z".as_bytes());
}

#[test]
fn floats_are_correctly_rounded() {
    let mut p = parser(&[("f", "float64")], true);
    let cases = [
        "0.1",
        "2.2250738585072011e-308",
        "1.7976931348623157e308",
        "123456789012345678",
        "0.30000000000000004",
        "-1.5e-7",
        "5e-324",
        "1e23",
    ];
    let input: String = cases.iter().map(|c| format!("{{\"f\":{c}}}\n")).collect();
    let (chunk, out) = run(&mut p, &input, cases.len());
    assert_eq!(chunk.rows, cases.len());
    for (i, c) in cases.iter().enumerate() {
        assert_eq!(
            out.f64s[0][i].to_bits(),
            c.parse::<f64>().unwrap().to_bits(),
            "{c}"
        );
    }
}

#[test]
fn errors_carry_line_column_and_the_typescript_message() {
    let cols = [("id", "int64"), ("v", "float64")];
    assert_eq!(
        error_of(&cols, false, "{\"id\":1}\n\n{\"id\": 2 x}"),
        (
            3,
            Some(10),
            "expected ',' or '}' after a value, found 'x'".to_owned()
        )
    );
    assert_eq!(
        error_of(&cols, false, "{\"id\":\"abc\"}"),
        (1, Some(7), "key \"id\": expected an integer for an int64 column, found the string \"abc\"; the schema was inferred from the first 3 non-blank lines; declare `schema` in the source options to choose the column types".to_owned())
    );
    assert_eq!(
        error_of(&cols, true, "{\"id\":9223372036854775808}"),
        (1, Some(7), "key \"id\": 9223372036854775808 is outside the int64 range; the declared schema says id: int64".to_owned())
    );
    assert_eq!(
        error_of(&cols, true, "{\"é\":1,\"id\":1,\"id\":2}").2,
        "duplicate key \"id\""
    );
    assert_eq!(
        error_of(&cols, true, "{\"é\":1,\"id\":1,\"id\":2}").1,
        Some(15)
    );
    assert_eq!(
        error_of(&cols, false, "{\"new\\t\":1}").2,
        "key \"new\\t\" is not in the schema, which was inferred from the first 3 non-blank lines (columns: id, v); declare `schema` in the source options to read it, or to ignore keys you do not list"
    );
    assert_eq!(
        error_of(&cols, true, "[1,2]").2,
        "expected a JSON object on each line, found an array"
    );
    assert_eq!(
        error_of(&cols, true, "{\"x\":[1,]}").2,
        "expected a value, found ']'"
    );
    assert_eq!(
        error_of(&cols, true, "{\"v\":01}").2,
        "a number cannot have a leading zero"
    );
    assert_eq!(
        error_of(&cols, true, "{\"v\":\"a\tb\"}").2,
        "raw control character U+0009 in a string (write it escaped)"
    );
    assert_eq!(
        error_of(&cols, true, "{\"v\":\"ab").2,
        "unterminated string (a string must close on its line)"
    );
    assert_eq!(
        error_of(&cols, true, "{\"v\":\"\\x\"}").2,
        "invalid escape \\x in a string"
    );
    assert_eq!(error_of(&cols, true, "{\"id\":1.5}").2, "key \"id\": expected an integer for an int64 column, found the number 1.5; the declared schema says id: int64");
    assert_eq!(
        error_of(&cols, true, "{\"id\":1} {}").2,
        "unexpected '{' after the object (one object per line)"
    );
}

#[test]
fn long_strings_are_clipped_in_messages_without_splitting_a_character() {
    let text = format!("{}😀tail-of-the-string", "a".repeat(36));
    let (_, _, detail) = error_of(&[("v", "float64")], true, &format!("{{\"v\":\"{text}\"}}"));
    assert!(
        detail.contains(&format!("found the string \"{}...;", "a".repeat(36))),
        "{detail}"
    );
}

#[test]
fn a_window_without_eof_leaves_its_last_partial_line() {
    let mut p = parser(&[("a", "int64")], true);
    let width = 1;
    let mut values = vec![0i64; 4];
    let mut validity = vec![0xffu8; 1];
    let mut columns = vec![ColumnOut {
        values: ColumnBuf::Int64(&mut values),
        validity: &mut validity,
    }];
    let chunk = p
        .parse(b"{\"a\":1}\n{\"a\":2", false, 7, &mut columns, 0, 4)
        .unwrap();
    assert_eq!((chunk.rows, chunk.consumed, chunk.line), (1, 8, 8));
    assert_eq!(width, columns.len());
}

#[test]
fn invalid_utf8_names_line_and_character() {
    let e = check_utf8(b"{}\n{\"\xc3\xa9\xff\"}", 4).unwrap_err();
    assert_eq!(
        (e.line, e.column, e.detail.as_str()),
        (5, Some(4), "invalid UTF-8")
    );
    assert!(check_utf8("é\n😀".as_bytes(), 1).is_ok());
}

#[test]
fn argument_errors_name_the_column() {
    let mut p = NdjsonParser::new(
        vec!["a".into()],
        types("int64"),
        SchemaOrigin {
            declared: true,
            sample_lines: None,
        },
    );
    let mut values = vec![0f64; 4];
    let mut validity = vec![0xffu8; 1];
    let mut columns = vec![ColumnOut {
        values: ColumnBuf::Float64(&mut values),
        validity: &mut validity,
    }];
    assert_eq!(
        p.parse(b"", true, 1, &mut columns, 0, 4),
        Err(CsvArgError::Type { column: 0 })
    );
}

#[test]
fn dictionary_codes_follow_first_appearance_for_short_and_long_strings() {
    let mut d = Dictionary::default();
    let texts: Vec<String> = (0..2000)
        .map(|i| {
            if i % 3 == 0 {
                format!("long-string-{i}")
            } else {
                format!("s{i}")
            }
        })
        .collect();
    for round in 0..3 {
        for (i, t) in texts.iter().enumerate() {
            assert_eq!(
                d.code_of(t.as_bytes()),
                Some(i as i32),
                "round {round}: {t}"
            );
        }
    }
    assert_eq!(d.code_of(b""), Some(2000));
    assert_eq!(d.code_of(b"\0"), Some(2001));
    assert_eq!(d.code_of(b"\xff"), None);
    d.clear();
    assert_eq!(d.code_of(b"s1"), Some(0));
    assert_eq!(d.len(), 1);
}
