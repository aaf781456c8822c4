use super::*;
use crate::test_support::{xorshift, Buffers};

/// Parses all of `input` (as a whole file) into fresh columns of `types`.
fn parse_all(types: &[CsvType], input: &str) -> (CsvChunk, Vec<Vec<String>>) {
    let rows = 64;
    let mut parser = CsvParser::new(types.to_vec(), b',');
    let mut buffers = Buffers::new(types, rows);
    let mut columns = buffers.columns(types);
    let chunk = parser
        .parse(input.as_bytes(), true, 1, &mut columns, 0, rows)
        .unwrap();
    drop(columns);
    let mut shown = Vec::new();
    for r in 0..chunk.rows {
        let mut row = Vec::new();
        for (c, ty) in types.iter().enumerate() {
            if !buffers.is_valid(c, r) {
                row.push("null".to_owned());
                continue;
            }
            row.push(match ty {
                CsvType::Float64 => format!("{:?}", buffers.f64s[c][r]),
                CsvType::Int64 => buffers.i64s[c][r].to_string(),
                CsvType::Int32 => buffers.i32s[c][r].to_string(),
                CsvType::Bool => buffers.u8s[c][r].to_string(),
                CsvType::Utf8 => {
                    let d = parser.dictionary(c);
                    let code = buffers.i32s[c][r] as usize;
                    let (s, e) = (d.offsets()[code] as usize, d.offsets()[code + 1] as usize);
                    format!("{:?}", std::str::from_utf8(&d.bytes()[s..e]).unwrap())
                }
            });
        }
        shown.push(row);
    }
    (chunk, shown)
}

#[test]
fn quoted_fields_hold_delimiters_line_breaks_and_doubled_quotes() {
    let (chunk, rows) = parse_all(
        &[CsvType::Utf8, CsvType::Int64],
        "\"a,\"\"b\"\"\r\nc\",1\n\"\",2\n,3\n",
    );
    assert_eq!(chunk.error, None);
    assert_eq!(
        rows,
        vec![
            vec!["\"a,\\\"b\\\"\\r\\nc\"", "1"],
            vec!["\"\"", "2"],
            vec!["null", "3"]
        ]
    );
    assert_eq!(chunk.line, 5);
}

#[test]
fn repeated_strings_share_one_dictionary_entry() {
    let mut parser = CsvParser::new(vec![CsvType::Utf8], b',');
    let mut codes = vec![0i32; 8];
    let mut validity = vec![0xffu8; 1];
    let mut columns = vec![ColumnOut {
        values: ColumnBuf::Utf8(&mut codes),
        validity: &mut validity,
    }];
    let chunk = parser
        .parse(b"x\ny\nx\nx\n", true, 1, &mut columns, 0, 8)
        .unwrap();
    assert_eq!(chunk.rows, 4);
    assert_eq!(&codes[..4], &[0, 1, 0, 0]);
    assert_eq!(parser.dictionary(0).bytes(), b"xy");
}

#[test]
fn a_record_cut_by_the_window_is_left_for_the_next_call() {
    let mut parser = CsvParser::new(vec![CsvType::Int64, CsvType::Int64], b',');
    let mut a = vec![0i64; 4];
    let mut b = vec![0i64; 4];
    let (mut va, mut vb) = (vec![0xffu8; 1], vec![0xffu8; 1]);
    let mut columns = vec![
        ColumnOut {
            values: ColumnBuf::Int64(&mut a),
            validity: &mut va,
        },
        ColumnOut {
            values: ColumnBuf::Int64(&mut b),
            validity: &mut vb,
        },
    ];
    let chunk = parser
        .parse(b"1,2\r\n3,4\r", false, 1, &mut columns, 0, 4)
        .unwrap();
    assert_eq!((chunk.rows, chunk.consumed, chunk.line), (1, 5, 2));
}

#[test]
fn int64_is_exact_at_its_limits_and_range_checked_beyond() {
    assert_eq!(parse_i64(b"-9223372036854775808"), Ok(i64::MIN));
    assert_eq!(parse_i64(b"9223372036854775807"), Ok(i64::MAX));
    assert_eq!(parse_i64(b"9223372036854775808"), Err(ValueReason::Range));
    assert_eq!(
        parse_i64(b"99999999999999999999999x"),
        Err(ValueReason::Syntax)
    );
    assert_eq!(parse_i32(b"-2147483648"), Ok(i32::MIN));
    assert_eq!(parse_i32(b"2147483648"), Err(ValueReason::Range));
}

#[test]
fn floats_follow_the_grammar_and_round_correctly() {
    assert_eq!(parse_f64(b"0.1"), Some(0.1));
    assert_eq!(parse_f64(b".5"), Some(0.5));
    assert_eq!(parse_f64(b"5."), Some(5.0));
    assert_eq!(parse_f64(b"+Infinity"), Some(f64::INFINITY));
    // std's parser is correctly rounded: the fast path must agree with it to the bit.
    for text in [
        "2.2250738585072011e-308",
        "99.999",
        "0.3",
        "123456.789e-3",
        "9007199254740993",
        "1e23",
        "4.35",
    ] {
        let expected: f64 = text.parse().unwrap();
        assert_eq!(
            parse_f64(text.as_bytes()).map(f64::to_bits),
            Some(expected.to_bits()),
            "{text}"
        );
    }
    assert_eq!(
        parse_f64(b"123456789012345678901234"),
        Some(123456789012345678901234.0)
    );
    assert!(parse_f64(b"-0").unwrap().is_sign_negative());
    for bad in [&b"-NaN"[..], b"inf", b"1e", b".", b" 1", b"1_0", b"0x10"] {
        assert_eq!(parse_f64(bad), None, "{:?}", std::str::from_utf8(bad));
    }
}

#[test]
fn errors_name_the_physical_line_and_field() {
    let (chunk, _) = parse_all(
        &[CsvType::Int64, CsvType::Float64],
        "1,2\n\"x\ny\",3\n4,abc\n",
    );
    assert_eq!(chunk.rows, 1);
    assert!(matches!(
        chunk.error,
        Some(CsvError::Value {
            line: 2,
            column: 1,
            reason: ValueReason::Syntax,
            ..
        })
    ));
    let (chunk, _) = parse_all(&[CsvType::Int64, CsvType::Float64], "1,2\n3\n");
    assert_eq!(
        chunk.error,
        Some(CsvError::Grammar {
            line: 2,
            column: None,
            detail: "expected 2 fields, found 1".to_owned()
        })
    );
    let (chunk, _) = parse_all(&[CsvType::Utf8], "a\n\"b\"c\n");
    assert!(
        matches!(chunk.error, Some(CsvError::Grammar { line: 2, column: Some(1), ref detail }) if detail.starts_with("unexpected \"c\""))
    );
}

/// Everything one parser produced over a whole input read in windows: the
/// columns (null slots as `None`), dictionaries, and each call's outcome.
type Outcome = (Vec<Vec<Option<u64>>>, Vec<(Vec<u8>, Vec<i32>)>, Vec<Call>);

/// One call's `consumed`, `rows`, `line` and error.
type Call = (usize, usize, u64, Option<CsvError>);

/// Reads `input` as a streaming caller does: windows of `window` bytes
/// (whole records only, the cut one carried over), stopping at an error.
fn read_in_windows(types: &[CsvType], input: &[u8], window: usize, fast: bool) -> Outcome {
    let fields: Vec<Option<CsvType>> = types.iter().copied().map(Some).collect();
    read_projected(&fields, input, window, fast)
}

/// As [`read_in_windows`], with the `None` fields skipped: the outcome has the kept columns.
fn read_projected(fields: &[Option<CsvType>], input: &[u8], window: usize, fast: bool) -> Outcome {
    let types: Vec<CsvType> = fields.iter().flatten().copied().collect();
    let types = &types[..];
    let mut buffers = Buffers::new(types, input.len() + 1);
    let (parser, at, calls) = fill_projected(fields, input, window, fast, &mut buffers);
    let cols = types
        .iter()
        .enumerate()
        .map(|(c, ty)| {
            (0..at)
                .map(|r| {
                    buffers
                        .is_valid(c, r)
                        .then(|| slot_bits(&buffers, *ty, c, r))
                })
                .collect()
        })
        .collect();
    let dictionaries = (0..types.len())
        .map(|c| {
            (
                parser.dictionary(c).bytes().to_vec(),
                parser.dictionary(c).offsets().to_vec(),
            )
        })
        .collect();
    (cols, dictionaries, calls)
}

/// The bits of column `c`'s slot `r`, whatever it holds.
fn slot_bits(buffers: &Buffers, ty: CsvType, c: usize, r: usize) -> u64 {
    match ty {
        CsvType::Float64 => buffers.f64s[c][r].to_bits(),
        CsvType::Int64 => buffers.i64s[c][r] as u64,
        CsvType::Int32 | CsvType::Utf8 => buffers.i32s[c][r] as u32 as u64,
        CsvType::Bool => buffers.u8s[c][r] as u64,
    }
}

/// Reads `input` in windows, as [`read_in_windows`], into `buffers` (at
/// least `input.len() + 1` rows); returns the parser, the rows read and each
/// call's outcome.
fn fill_projected(
    fields: &[Option<CsvType>],
    input: &[u8],
    window: usize,
    fast: bool,
    buffers: &mut Buffers,
) -> (CsvParser, usize, Vec<Call>) {
    let rows = input.len() + 1;
    let types: Vec<CsvType> = fields.iter().flatten().copied().collect();
    let types = &types[..];
    let mut parser = CsvParser::projected(fields.to_vec(), b',');
    parser.fast = parser.fast && fast;
    let mut calls = Vec::new();
    let (mut pos, mut line, mut at) = (0usize, 1u64, 0usize);
    let mut want = window;
    loop {
        let stop = (pos + want).min(input.len());
        let eof = stop == input.len();
        let mut columns = buffers.columns(types);
        let chunk = parser
            .parse(&input[pos..stop], eof, line, &mut columns, at, rows - at)
            .unwrap();
        calls.push((chunk.consumed, chunk.rows, chunk.line, chunk.error.clone()));
        pos += chunk.consumed;
        line = chunk.line;
        at += chunk.rows;
        if chunk.error.is_some() || eof && (pos == input.len() || chunk.consumed == 0) {
            break;
        }
        // A record longer than the window: the caller widens it, as CsvInput.more does.
        want = if chunk.consumed == 0 {
            want * 2
        } else {
            window
        };
    }
    (parser, at, calls)
}

/// sluice hands the parser uninitialised column buffers (zeroing them cost
/// ~4% of an in-memory parse), so the output must not depend on what they
/// held: every slot of every row reported is written, 0 under a null. On
/// random records, by every path (general, one-pass, indexed when a column is
/// skipped), whole and in windows, buffers filled with two different
/// poisons end up with the same bits in every slot of the rows read, and a
/// null's slot is 0.
#[test]
fn every_slot_of_a_row_read_is_written_and_a_null_holds_zero() {
    let mut next = xorshift(0x51ee_c0de_d00d_f00d);
    let mut nulls = 0;
    for case in 0..3000 {
        let width = 1 + next(5) as usize;
        let fields: Vec<Option<CsvType>> = (0..width)
            .map(|_| (next(4) != 0).then(|| ALL_TYPES[next(5) as usize]))
            .collect();
        let types: Vec<CsvType> = fields.iter().flatten().copied().collect();
        let mut input = random_records(&mut next, width);
        // Long enough for the indexed path, which needs 64 readable bytes.
        input.extend_from_slice(&random_records(&mut next, width));
        for window in [input.len().max(1), 1 + next(40) as usize] {
            for fast in [false, true] {
                let read = |poison: u8| {
                    let mut buffers = Buffers::new(&types, input.len() + 1);
                    for v in &mut buffers.f64s {
                        v.fill(f64::from_bits(u64::from_ne_bytes([poison; 8])));
                    }
                    for v in &mut buffers.i64s {
                        v.fill(i64::from_ne_bytes([poison; 8]));
                    }
                    for v in &mut buffers.i32s {
                        v.fill(i32::from_ne_bytes([poison; 4]));
                    }
                    for v in &mut buffers.u8s {
                        v.fill(poison);
                    }
                    let (_, at, _) = fill_projected(&fields, &input, window, fast, &mut buffers);
                    let slots: Vec<Vec<(bool, u64)>> = types
                        .iter()
                        .enumerate()
                        .map(|(c, ty)| {
                            (0..at)
                                .map(|r| (buffers.is_valid(c, r), slot_bits(&buffers, *ty, c, r)))
                                .collect()
                        })
                        .collect();
                    slots
                };
                let (a, b) = (read(0xa5), read(0x5a));
                let context = || {
                    format!(
                        "case {case}, window {window}, fast {fast}, fields {fields:?}, input {:?}",
                        String::from_utf8_lossy(&input)
                    )
                };
                assert!(a == b, "a slot kept its poison: {}", context());
                for &(valid, bits) in a.iter().flatten() {
                    if !valid {
                        nulls += 1;
                        assert_eq!(bits, 0, "a null's slot is not 0: {}", context());
                    }
                }
            }
        }
    }
    assert!(
        nulls > 1000,
        "only {nulls} nulls read: the generator no longer makes them"
    );
}

/// The one-pass reader of plain records must never change what the general
/// path reads: on random records built from numbers of every length (across
/// the eight-byte word boundaries), signs, decimals, exponents, leading
/// zeros, quotes, empty fields, strings short and long, and every line end,
/// read whole and in windows, both give the same columns, codes and errors.
/// Repeated strings reach the one-pass reader only once the general path has
/// added them: these inputs repeat every kind of quoted field on purpose.
#[test]
fn quoted_strings_read_in_one_pass_keep_their_text_and_line_numbers() {
    let types = [CsvType::Utf8, CsvType::Int32];
    for field in [
        "\"a,b\"",
        "\"\"",
        "\"x\"\"y\"",
        "\"l1\nl2\"",
        "\"l1\r\nl2\"",
        "\"l1\rl2\"",
        "\"q\"z",
        "plain",
    ] {
        let input = format!("{field},1\n{field},2\r\n{field},3\nnot,a number\n");
        for window in [input.len(), 7] {
            let general = read_in_windows(&types, input.as_bytes(), window, false);
            let fast = read_in_windows(&types, input.as_bytes(), window, true);
            assert!(general == fast, "{input:?}, window {window}");
        }
    }
}

const ALL_TYPES: [CsvType; 5] = [
    CsvType::Int64,
    CsvType::Int32,
    CsvType::Float64,
    CsvType::Utf8,
    CsvType::Bool,
];

#[test]
fn the_one_pass_reader_reads_exactly_what_the_general_path_reads() {
    let mut next = xorshift(0x2545_f491_4f6c_dd1d);
    for case in 0..3000 {
        let width = 1 + next(4) as usize;
        let types: Vec<CsvType> = (0..width).map(|_| ALL_TYPES[next(5) as usize]).collect();
        let input = random_records(&mut next, width);
        for window in [input.len().max(1), 1 + next(40) as usize] {
            let general = read_in_windows(&types, &input, window, false);
            let fast = read_in_windows(&types, &input, window, true);
            assert!(
                general == fast,
                "case {case}, window {window}, types {types:?}, input {:?}",
                String::from_utf8_lossy(&input)
            );
        }
    }
}

/// A skipped column is read as if it were utf8 (which takes any valid UTF-8
/// text: the generator writes no other) and then dropped: the same records,
/// lines, grammar errors and kept columns, by either path, whole or in windows.
#[test]
fn a_skipped_column_reads_as_an_unconverted_utf8_column_and_is_dropped() {
    let mut next = xorshift(0x9e37_79b9_7f4a_7c15);
    for case in 0..3000 {
        let width = 1 + next(5) as usize;
        let fields: Vec<Option<CsvType>> = (0..width)
            .map(|_| (next(3) != 0).then(|| ALL_TYPES[next(5) as usize]))
            .collect();
        let as_utf8: Vec<CsvType> = fields.iter().map(|f| f.unwrap_or(CsvType::Utf8)).collect();
        let input = random_records(&mut next, width);
        for window in [input.len().max(1), 1 + next(40) as usize] {
            let (columns, dictionaries, calls) = read_in_windows(&as_utf8, &input, window, false);
            let kept = |c: &usize| fields[*c].is_some();
            let expected = (
                (0..width)
                    .filter(kept)
                    .map(|c| columns[c].clone())
                    .collect::<Vec<_>>(),
                (0..width)
                    .filter(kept)
                    .map(|c| dictionaries[c].clone())
                    .collect::<Vec<_>>(),
                calls,
            );
            for fast in [false, true] {
                let projected = read_projected(&fields, &input, window, fast);
                assert!(
                    projected == expected,
                    "case {case}, window {window}, fast {fast}, fields {fields:?}, input {:?}",
                    String::from_utf8_lossy(&input)
                );
            }
        }
    }
}

/// Records of `width` fields built from numbers of every length (across the
/// eight-byte word boundaries), signs, decimals, exponents, leading zeros,
/// quotes, empty fields, strings short and long, and every line end.
fn random_records(next: &mut impl FnMut(u64) -> u64, width: usize) -> Vec<u8> {
    let mut input = Vec::new();
    {
        for _ in 0..next(12) {
            for c in 0..width {
                let mut field = String::new();
                match next(14) {
                    0 => {}
                    1 => field.push_str("\"7\""),
                    2 => field.push_str("NaN"),
                    3 => field.push_str(["true", "FALSE", "yes"][next(3) as usize]),
                    4 => field.push_str(
                        [
                            "cat_1",
                            "cat_22",
                            "a_long_category",
                            "\u{e9}t\u{e9}",
                            "x\"y",
                            "\"cat_1\"",
                            "\"a,b\"",
                            "\"\"",
                            "\"x\"\"y\"",
                            "\"l1\nl2\"",
                            "\"l1\r\nl2\"",
                            "\"a long quoted category\"",
                            "\"q\"z",
                            "\"unclosed",
                        ][next(14) as usize],
                    ),
                    _ => {
                        match next(4) {
                            0 => field.push('-'),
                            1 if next(4) == 0 => field.push('+'),
                            _ => {}
                        }
                        for _ in 0..next(4) {
                            if next(3) == 0 {
                                field.push('0');
                            }
                        }
                        for _ in 0..next(22) {
                            field.push((b'0' + next(10) as u8) as char);
                        }
                        if next(3) == 0 {
                            field.push('.');
                            for _ in 0..next(20) {
                                field.push((b'0' + next(10) as u8) as char);
                            }
                        }
                        if next(10) == 0 {
                            field.push_str(["e5", "E-3", "x", " "][next(4) as usize]);
                        }
                    }
                }
                input.extend_from_slice(field.as_bytes());
                if c + 1 < width {
                    input.push(b',');
                }
            }
            if next(15) == 0 {
                input.push(b',');
            }
            input.extend_from_slice([&b"\n"[..], b"\r\n", b"\r", b"\n\n"][next(4) as usize]);
        }
        if next(3) == 0 {
            input.pop();
        }
    }
    input
}

/// Whatever the one-pass float reader accepts, it reads correctly rounded
/// (std's parser is the reference), and it accepts every plain number of up
/// to 15 digits: beyond that the mantissa is not exact as a double and the
/// one division would round twice.
#[test]
fn the_one_pass_float_reader_is_correctly_rounded_where_it_accepts() {
    let mut next = xorshift(0x9e37_79b9_7f4a_7c15);
    for _ in 0..200_000 {
        let digits = 1 + next(19) as usize;
        let decimals = next(digits as u64 + 1) as usize;
        let mut text: String = (0..digits)
            .map(|_| (b'0' + next(10) as u8) as char)
            .collect();
        if decimals > 0 {
            text.insert(digits - decimals, '.');
        }
        if next(2) == 0 {
            text.insert(0, '-');
        }
        text.push(',');
        let expected: f64 = text[..text.len() - 1].parse().unwrap();
        match fast_f64(text.as_bytes(), 0) {
            Some((value, stop)) => {
                assert_eq!(value.to_bits(), expected.to_bits(), "{text}");
                assert_eq!(stop, text.len() - 1, "{text}");
            }
            None => assert!(digits > 15, "{text} must take the one-pass path"),
        }
    }
}

/// The readers of fields with known bounds (the indexed path) agree with the
/// one-pass readers: on random short fields of digits, signs, dots and other
/// bytes, whatever they accept is what `fast_int`/`fast_f64` read over the
/// whole field, and they accept every such field within their length limits.
#[test]
fn readers_of_known_bounds_agree_with_the_one_pass_readers() {
    let mut next = xorshift(0x2545_f491_4f6c_dd1d);
    let alphabet = b"0123456789.-+e ,x";
    for _ in 0..300_000 {
        let len = 1 + next(18) as usize;
        let mut field: Vec<u8> = (0..len)
            .map(|_| {
                if next(4) == 0 {
                    alphabet[next(alphabet.len() as u64) as usize]
                } else {
                    b'0' + next(10) as u8
                }
            })
            .collect();
        let stop = field.len();
        field.extend_from_slice(b"\n0123456789012345");
        let whole = |stopped: usize| stopped == stop;
        let expected_int = fast_int(&field, 0, 16)
            .filter(|&(_, s)| whole(s))
            .map(|(v, _)| v);
        assert_eq!(
            known_int(&field, 0, stop, 16),
            expected_int,
            "{:?}",
            String::from_utf8_lossy(&field[..stop])
        );
        let expected_f64 = fast_f64(&field, 0)
            .filter(|&(_, s)| whole(s))
            .map(|(v, _)| v.to_bits());
        let digits_after_sign = stop - (field[0] == b'-') as usize;
        let got = known_f64(&field, 0, stop).map(f64::to_bits);
        if digits_after_sign <= 8 {
            assert_eq!(
                got,
                expected_f64,
                "{:?}",
                String::from_utf8_lossy(&field[..stop])
            );
        } else {
            assert_eq!(got, None);
        }
    }
}

/// The portable scan for delimiters, line breaks and quotes marks exactly the
/// bytes the SSE2 one does.
#[test]
fn the_portable_scan_marks_what_the_vector_scan_marks() {
    let mut next = xorshift(0x1234_5678_9abc_def1);
    let alphabet = b",;\n\r\"a0\x80\xff\x7f\x2c\x0a";
    for _ in 0..20_000 {
        let block: [u8; 64] =
            std::array::from_fn(|_| alphabet[next(alphabet.len() as u64) as usize]);
        for delim in [b',', b';'] {
            let (a, b) = (Marks::of(&block, delim), Marks::of_words(&block, delim));
            assert_eq!((a.delims, a.lfs, a.specials), (b.delims, b.lfs, b.specials));
            let expect = |f: &dyn Fn(u8) -> bool| {
                (0..64)
                    .filter(|&i| f(block[i]))
                    .fold(0u64, |m, i| m | 1 << i)
            };
            assert_eq!(a.delims, expect(&|x| x == delim));
            assert_eq!(a.lfs, expect(&|x| x == b'\n'));
            assert_eq!(a.specials, expect(&|x| x == b'"' || x == b'\r'));
        }
    }
}
