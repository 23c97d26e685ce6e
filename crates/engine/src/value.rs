//! Reading one cell: numbers, times and flags as marketers' exports write them.
//!
//! Every parser returns `Ok(None)` for a missing value (empty, `-`, `N/A`...),
//! never zero: a missing count must not drag an average down.

use crate::time::{self, Day};

/// Why a cell could not be read. Messages are short and lowercase; the caller
/// adds the file, line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("not a number")]
    NotANumber,
    #[error("ambiguous thousands separator")]
    AmbiguousSeparator,
    #[error("not a date or time")]
    NotATime,
    #[error("no such date")]
    NoSuchDate,
    #[error("not yes or no")]
    NotAFlag,
    #[error("unknown cost category")]
    UnknownCategory,
}

/// Folds full-width ASCII forms (`１２３`, `，`, `．`) to their ASCII twins and
/// the ideographic space to a plain space.
pub fn fold_width(text: &str) -> std::borrow::Cow<'_, str> {
    // Every character folded is U+3000 (E3 80 80) or in U+FE00..=U+FFFF
    // (lead byte EF): text without those lead bytes stays as it is.
    if !text.bytes().any(|b| b == 0xEF || b == 0xE3) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                '\u{3000}' | '\u{FEFF}' => ' ',
                '\u{FFE5}' => '¥',
                c => c,
            })
            .collect(),
    )
}

/// True for the characters [`fold_width`] changes.
fn folds(c: char) -> bool {
    matches!(
        c,
        '\u{FF01}'..='\u{FF5E}' | '\u{3000}' | '\u{FEFF}' | '\u{FFE5}'
    )
}

/// True when `text` neither starts nor ends with whitespace or U+FEFF, so
/// trimming either would leave it as it is; decided from its two ends.
#[inline]
pub fn unpadded(text: &str) -> bool {
    let b = text.as_bytes();
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return false;
    };
    // ASCII spaces are all at or below 0x20 (so are control characters,
    // which only send the text the slow way).
    let first_ok = if first < 0x80 {
        first > b' '
    } else {
        // The UTF-8 lead bytes of every space and of U+FEFF.
        !matches!(first, 0xC2 | 0xE1 | 0xE2 | 0xE3 | 0xEF)
    };
    let last_ok = if last < 0x80 {
        last > b' '
    } else {
        // The last character's lead byte: one that is not a space's or
        // U+FEFF's settles it without decoding (a Chinese character's).
        let lead = b.iter().rev().take(4).find(|&&c| c & 0xC0 != 0x80);
        !matches!(lead, Some(0xC2 | 0xE1 | 0xE2 | 0xE3 | 0xEF)) || ends_unpadded(text)
    };
    first_ok && last_ok
}

/// Whether `text`'s last character is neither whitespace nor U+FEFF,
/// decoded.
fn ends_unpadded(text: &str) -> bool {
    text.chars()
        .next_back()
        .is_some_and(|c| !c.is_whitespace() && c != '\u{FEFF}')
}

/// True for the spellings of "no value" found in exports.
#[inline]
pub fn is_missing(text: &str) -> bool {
    // Fast path: every missing spelling is short once trimmed, and most cells
    // start with a character none of them does.
    let bytes = text.as_bytes();
    match bytes.first() {
        None => return true,
        Some(&first) if first.is_ascii_alphanumeric() => {
            if !matches!(first, b'n' | b'N') {
                return false;
            }
            // `null`, `none`, `nan`, `n/a`: at most four letters, so a fifth
            // that is ASCII and not a space means something else (`N102390`).
            if bytes
                .get(4)
                .is_some_and(|b| b.is_ascii() && !b.is_ascii_whitespace())
            {
                return false;
            }
        }
        // A first character that is neither a space (their UTF-8 leads are
        // C2, E1, E2, E3) nor folded (E3, EF), and a last one that is
        // neither either: nothing is trimmed or folded at the ends, and the
        // only spelling such text can be is 无.
        Some(&first) if first >= 0x80 && !matches!(first, 0xC2 | 0xE1 | 0xE2 | 0xE3 | 0xEF) => {
            if let Some(last) = text.chars().next_back() {
                if !last.is_whitespace() && !folds(last) {
                    return text == "无";
                }
            }
        }
        Some(_) => {}
    }
    is_missing_slowly(text)
}

/// [`is_missing`] once the quick looks at the ends could not tell.
#[cold]
fn is_missing_slowly(text: &str) -> bool {
    let folded = fold_width(text);
    let t = folded.trim();
    // The longest spelling below is `——`, six bytes.
    if t.len() > 6 {
        return false;
    }
    t.is_empty()
        || matches!(
            t,
            "-" | "--" | "—" | "——" | "－" | "/" | "null" | "NULL" | "Null"
        )
        || t.eq_ignore_ascii_case("n/a")
        || t.eq_ignore_ascii_case("na")
        || t.eq_ignore_ascii_case("none")
        || t.eq_ignore_ascii_case("nan")
        || t == "无"
}

/// A number: `1,234`, `1.2万`, `3亿`, `12.5%`, `¥1,234.00`, `(300)`, `2.5k`, `１２３`.
pub fn parse_number(raw: &str) -> Result<Option<f64>, ValueError> {
    // The usual cell: a plain count, exact as an f64 up to 15 digits.
    let b = raw.as_bytes();
    if b.is_empty() {
        return Ok(None);
    }
    if b.len() <= 15 && b.iter().all(u8::is_ascii_digit) {
        let value = b.iter().fold(0u64, |v, &d| v * 10 + u64::from(d - b'0'));
        return Ok(Some(value as f64));
    }
    // The next most usual: `8.4%`, `1.13万`, `12.50`.
    if let Some(value) = plain_decimal(b) {
        return Ok(Some(value));
    }
    parse_number_generally(raw)
}

/// [`parse_number`] for every form, without its fast paths.
fn parse_number_generally(raw: &str) -> Result<Option<f64>, ValueError> {
    if is_missing(raw) {
        return Ok(None);
    }
    let folded = fold_width(raw);
    let mut text = folded.trim();

    let mut negative = false;
    if let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        negative = true;
        text = inner.trim();
    }
    if let Some(rest) = text.strip_prefix('-') {
        negative = !negative;
        text = rest.trim_start();
    } else if let Some(rest) = text.strip_prefix('+') {
        text = rest.trim_start();
    }
    let before_currency = text.len();
    text = strip_currency(text);
    // A sign may also follow the currency (`¥-12`), but only then: `--5` is
    // not a number.
    if text.len() < before_currency {
        if let Some(rest) = text.strip_prefix('-') {
            negative = !negative;
            text = rest.trim_start();
        }
    }

    let mut scale = 1.0;
    // Every scale suffix ends in something other than a digit.
    let suffixed = !text.as_bytes().last().is_some_and(u8::is_ascii_digit);
    for (suffix, factor) in [
        ("%", 0.01),
        ("‰", 0.001),
        ("亿", 1e8),
        ("万", 1e4),
        ("千", 1e3),
        ("w", 1e4),
        ("W", 1e4),
        ("k", 1e3),
        ("K", 1e3),
    ] {
        if !suffixed {
            break;
        }
        if let Some(rest) = text.strip_suffix(suffix) {
            scale = factor;
            text = strip_currency(rest.trim_end());
            break;
        }
    }

    let digits = strip_thousands(text)?;
    if digits.is_empty()
        || !digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        || !digits.as_bytes()[0].is_ascii_digit() && !digits.starts_with('.')
    {
        return Err(ValueError::NotANumber);
    }
    let value: f64 = digits.parse().map_err(|_| ValueError::NotANumber)?;
    if !value.is_finite() {
        return Err(ValueError::NotANumber);
    }
    let value = value * scale;
    // `1e305亿` overflows only after scaling.
    if !value.is_finite() {
        return Err(ValueError::NotANumber);
    }
    Ok(Some(if negative { -value } else { value }))
}

/// Powers of ten an `f64` holds exactly.
const EXACT_POWERS_OF_TEN: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// `digits.digits`, then nothing, `%` or `万`, read without the general
/// path's folding, trimming and searching; `None` for anything else.
///
/// The value is the general path's to the bit: with at most 15 digits the
/// digits without the point are an integer an `f64` holds exactly, as it
/// does the power of ten, so their quotient is the correctly rounded value
/// of the decimal, which is what `str::parse` gives; the scale is then
/// applied the same way.
#[inline]
fn plain_decimal(b: &[u8]) -> Option<f64> {
    let (digits, scale) = match b {
        [rest @ .., b'%'] => (rest, 0.01),
        [rest @ .., 0xE4, 0xB8, 0x87] => (rest, 1e4),
        _ => (b, 1.0),
    };
    let point = digits.iter().position(|&d| d == b'.')?;
    let fraction = &digits[point + 1..];
    if point == 0 || fraction.is_empty() || digits.len() > 16 {
        return None;
    }
    let mut mantissa = 0u64;
    for &d in digits[..point].iter().chain(fraction) {
        if !d.is_ascii_digit() {
            return None;
        }
        mantissa = mantissa * 10 + u64::from(d - b'0');
    }
    Some(mantissa as f64 / EXACT_POWERS_OF_TEN[fraction.len()] * scale)
}

fn strip_currency(mut text: &str) -> &str {
    // First and last bytes any mark could start or end with (¥ is C2 A5,
    // 元 ends in 83).
    let starts = text
        .as_bytes()
        .first()
        .is_some_and(|b| matches!(b, 0xC2 | b'$' | b'R' | b'C' | b'U' | b'r' | b'c' | b'u'));
    let ends = text
        .as_bytes()
        .last()
        .is_some_and(|b| matches!(b, 0x83 | b'B' | b'Y' | b'D' | b'b' | b'y' | b'd'));
    if !starts && !ends {
        return text;
    }
    for prefix in ["¥", "$", "RMB", "CNY", "USD", "rmb", "cny", "usd"] {
        if let Some(rest) = text.strip_prefix(prefix) {
            text = rest.trim_start();
            break;
        }
    }
    for suffix in ["元", "RMB", "CNY", "USD", "rmb", "cny", "usd"] {
        if let Some(rest) = text.strip_suffix(suffix) {
            text = rest.trim_end();
            break;
        }
    }
    text
}

/// Removes `,` thousands separators, but only where they group by three:
/// `1,5` is a European decimal or a typo, and guessing would be wrong.
fn strip_thousands(text: &str) -> Result<std::borrow::Cow<'_, str>, ValueError> {
    if !text.contains(',') {
        return Ok(std::borrow::Cow::Borrowed(text));
    }
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (text, None),
    };
    let mut groups = whole.split(',');
    let first = groups.next().unwrap_or("");
    let well_grouped = (1..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_digit())
        && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
    if !well_grouped {
        return Err(ValueError::AmbiguousSeparator);
    }
    let mut out: String = whole.chars().filter(|&c| c != ',').collect();
    if let Some(f) = fraction {
        out.push('.');
        out.push_str(f);
    }
    Ok(std::borrow::Cow::Owned(out))
}

/// The order of day and month in `05/03/2026`. Year-first forms are never ambiguous.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DayOrder {
    /// `03/05/2026` is March 5 (US exports).
    MonthFirst,
    /// `05/03/2026` is March 5 (most of the world).
    #[default]
    DayFirst,
}

/// Hours added to a Unix timestamp to reach China's wall clock (UTC+8), the
/// clock every other time in a Xiaohongshu export is written in.
pub const UNIX_TO_CHINA_SECONDS: i64 = 8 * 3600;

/// A date or date-time as seconds since 1970-01-01 on the exporter's wall clock.
///
/// Accepts `2026-03-05`, `2026/3/5 12:30`, `2026.03.05`, `2026-03-05T12:30:00`,
/// `2026年3月5日`, `2026年03月05日12时30分00秒`, `05/03/2026` (with `order`),
/// Excel serial days (`46086.5`) and Unix timestamps in seconds or milliseconds.
pub fn parse_time(raw: &str, order: DayOrder) -> Result<Option<i64>, ValueError> {
    if is_missing(raw) {
        return Ok(None);
    }
    if let Some(seconds) = iso_fast(raw.as_bytes()) {
        return Ok(Some(seconds));
    }
    parse_time_slowly(raw, order)
}

/// [`parse_time`] for a cell that is not empty and not in the ISO form.
fn parse_time_slowly(raw: &str, order: DayOrder) -> Result<Option<i64>, ValueError> {
    let folded = fold_width(raw);
    let text = folded.trim();
    let dots = text.bytes().filter(|&b| b == b'.').count();
    if dots <= 1 && text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return parse_serial(text).map(Some);
    }
    let (date_part, time_part) = split_date_time(text);
    let day = parse_date_part(date_part, order)?;
    let (seconds, offset) = match time_part {
        Some(t) => parse_time_of_day(t)?,
        None => (0, None),
    };
    let local = day.timestamp() + seconds;
    // A time with a zone is moved to China's wall clock, like Unix time.
    Ok(Some(match offset {
        Some(offset) => local - offset + UNIX_TO_CHINA_SECONDS,
        None => local,
    }))
}

/// A clock time with an optional 12-hour marker (`下午 02:30`, `2:30 PM`)
/// and an optional zone (`Z`, `+08:00`, `-0500`): seconds after midnight and
/// the zone's offset from UTC in seconds.
fn parse_time_of_day(text: &str) -> Result<(i64, Option<i64>), ValueError> {
    let mut t = text.trim();
    let mut meridiem: Option<bool> = None; // Some(true) = afternoon
    for (word, pm) in [
        ("上午", false),
        ("凌晨", false),
        ("早上", false),
        ("下午", true),
        ("晚上", true),
        ("傍晚", true),
    ] {
        if let Some(rest) = t.strip_prefix(word) {
            meridiem = Some(pm);
            t = rest.trim_start();
        }
    }
    let upper = t.to_ascii_uppercase();
    for (word, pm) in [("AM", false), ("PM", true), ("A.M.", false), ("P.M.", true)] {
        if upper.ends_with(word) {
            meridiem = Some(pm);
            t = t[..t.len() - word.len()].trim_end();
            break;
        }
    }
    let mut offset = None;
    if let Some(rest) = t.strip_suffix(['Z', 'z']) {
        offset = Some(0);
        t = rest;
    } else if let Some(sign_at) = t.rfind(['+', '-']).filter(|&i| i > 0) {
        let zone = &t[sign_at + 1..];
        let digits: String = zone.chars().filter(|c| *c != ':').collect();
        if !(digits.len() == 2 || digits.len() == 4) || !digits.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(ValueError::NotATime);
        }
        let hours: i64 = digits[..2].parse().map_err(|_| ValueError::NotATime)?;
        let minutes: i64 = if digits.len() == 4 {
            digits[2..].parse().map_err(|_| ValueError::NotATime)?
        } else {
            0
        };
        let sign = if t.as_bytes()[sign_at] == b'-' { -1 } else { 1 };
        offset = Some(sign * (hours * 3600 + minutes * 60));
        t = &t[..sign_at];
    }
    let mut seconds = parse_clock(t)?;
    if let Some(pm) = meridiem {
        let hour = seconds / 3600;
        if hour == 0 || hour > 12 {
            return Err(ValueError::NotATime);
        }
        if pm && hour < 12 {
            seconds += 12 * 3600;
        } else if !pm && hour == 12 {
            seconds -= 12 * 3600;
        }
    }
    Ok((seconds, offset))
}

/// `YYYY-MM-DD`, `YYYY-MM-DD HH:MM` or `YYYY-MM-DD HH:MM:SS` (space or
/// `T`), the form machine exports write, read without allocating. Anything
/// else (or an impossible date) goes to the general parser.
///
/// Every time cell of a large log comes through here, so the digits are
/// read eight at a time: the date's first eight bytes and the clock's are
/// one word each, checked and combined into two-digit numbers together.
#[inline]
fn iso_fast(b: &[u8]) -> Option<i64> {
    // Bytes 4 and 7 of `YYYY-MM-`, bytes 2 and 5 of `HH:MM:SS`.
    const DATE_MARKS: u64 = 0xFF00_00FF_0000_0000;
    const CLOCK_MARKS: u64 = 0x0000_FF00_00FF_0000;
    let len = b.len();
    if !(len == 10 || len == 16 || len == 19) {
        return None;
    }
    let word = u64::from_le_bytes(b[..8].try_into().ok()?);
    if word & DATE_MARKS != u64::from_le_bytes(*b"\0\0\0\0-\0\0-") {
        return None;
    }
    let [year_high, _, year_low, _, _, month, _, _] = two_digit_pairs(word, !DATE_MARKS)?;
    let day = two_digits(b[8], b[9])?;
    let year = i32::from(year_high) * 100 + i32::from(year_low);
    let day = Day::from_ymd(year, u32::from(month), day)?;
    if len == 10 {
        return Some(day.timestamp());
    }
    if !matches!(b[10], b' ' | b'T') {
        return None;
    }
    let clock = if len == 19 {
        u64::from_le_bytes(b[11..19].try_into().ok()?)
    } else {
        let [h1, h2, colon, m1, m2] = b[11..16].try_into().ok()?;
        u64::from_le_bytes([h1, h2, colon, m1, m2, b':', b'0', b'0'])
    };
    if clock & CLOCK_MARKS != u64::from_le_bytes(*b"\0\0:\0\0:\0\0") {
        return None;
    }
    let [hour, _, _, minute, _, _, second, _] = two_digit_pairs(clock, !CLOCK_MARKS)?;
    (hour < 24 && minute < 60 && second <= 60)
        .then(|| time::timestamp(day, u32::from(hour), u32::from(minute), u32::from(second)))
}

/// For the bytes of `word` selected by `digits` (0xFF each), the number
/// each one makes with the byte after it (`"2026"` gives 20 at byte 0 and
/// 26 at byte 2), or `None` when one of them is not an ASCII digit.
/// Bytes where a pair does not start on a digit hold no meaning.
#[inline]
fn two_digit_pairs(word: u64, digits: u64) -> Option<[u8; 8]> {
    let values = word ^ 0x3030_3030_3030_3030;
    // A digit's byte is now 0-9; adding 0x76 sets the top bit of any byte
    // above 9 (a carry out of one only ever lands on a byte above 9 too,
    // or marks a good one bad, which sends the cell the slow way).
    if (values.wrapping_add(0x7676_7676_7676_7676) | values) & 0x8080_8080_8080_8080 & digits != 0 {
        return None;
    }
    let values = values & digits;
    // Each byte times ten plus the next one: at most 99, so no carries.
    Some((values * 10 + (values >> 8)).to_le_bytes())
}

/// Two ASCII digits as a number.
#[inline]
fn two_digits(tens: u8, ones: u8) -> Option<u32> {
    let (tens, ones) = (tens.wrapping_sub(b'0'), ones.wrapping_sub(b'0'));
    (tens < 10 && ones < 10).then(|| u32::from(tens) * 10 + u32::from(ones))
}

fn parse_serial(text: &str) -> Result<i64, ValueError> {
    let value: f64 = text.parse().map_err(|_| ValueError::NotATime)?;
    if (1.0..2_958_466.0).contains(&value) && value < 100_000.0 {
        // Excel's day zero is 1899-12-30 (it counts the fictional 1900-02-29).
        let base = Day::from_ymd(1899, 12, 30).expect("valid date").timestamp();
        return Ok(base + (value * 86_400.0).round() as i64);
    }
    if (1e9..1e10).contains(&value) {
        return Ok(value as i64 + UNIX_TO_CHINA_SECONDS);
    }
    if (1e12..1e13).contains(&value) {
        return Ok((value / 1000.0) as i64 + UNIX_TO_CHINA_SECONDS);
    }
    if text.len() == 8 && !text.contains('.') {
        // 20260305
        let y: i32 = text[..4].parse().map_err(|_| ValueError::NotATime)?;
        let m: u32 = text[4..6].parse().map_err(|_| ValueError::NotATime)?;
        let d: u32 = text[6..].parse().map_err(|_| ValueError::NotATime)?;
        return Day::from_ymd(y, m, d)
            .map(Day::timestamp)
            .ok_or(ValueError::NoSuchDate);
    }
    Err(ValueError::NotATime)
}

fn split_date_time(text: &str) -> (&str, Option<&str>) {
    if let Some(pos) = text.find('日') {
        let (date, rest) = text.split_at(pos + '日'.len_utf8());
        let rest = rest.trim();
        return (date, (!rest.is_empty()).then_some(rest));
    }
    match text.find([' ', 'T']) {
        Some(pos) => {
            let rest = text[pos + 1..].trim();
            (&text[..pos], (!rest.is_empty()).then_some(rest))
        }
        None => (text, None),
    }
}

fn parse_date_part(text: &str, order: DayOrder) -> Result<Day, ValueError> {
    let parts: Vec<&str> = text
        .split(['-', '/', '.', '年', '月', '日'])
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() != 3 || parts.iter().any(|p| !p.bytes().all(|b| b.is_ascii_digit())) {
        return Err(ValueError::NotATime);
    }
    let num = |s: &str| s.parse::<u32>().map_err(|_| ValueError::NotATime);
    let (y, m, d) = if parts[0].len() == 4 {
        (num(parts[0])?, num(parts[1])?, num(parts[2])?)
    } else if parts[2].len() == 4 {
        let (a, b) = (num(parts[0])?, num(parts[1])?);
        match order {
            DayOrder::DayFirst => (num(parts[2])?, b, a),
            DayOrder::MonthFirst => (num(parts[2])?, a, b),
        }
    } else {
        return Err(ValueError::NotATime);
    };
    Day::from_ymd(y as i32, m, d).ok_or(ValueError::NoSuchDate)
}

fn parse_clock(text: &str) -> Result<i64, ValueError> {
    let parts: Vec<&str> = text
        .trim_end_matches('秒')
        .split([':', '时', '分', '点'])
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() || parts.len() > 3 {
        return Err(ValueError::NotATime);
    }
    let mut values = [0u32; 3];
    for (slot, part) in values.iter_mut().zip(&parts) {
        // Seconds may carry a fraction: 12:30:05.250.
        let whole = part.split('.').next().unwrap_or("");
        if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ValueError::NotATime);
        }
        *slot = whole.parse().map_err(|_| ValueError::NotATime)?;
    }
    let [h, m, s] = values;
    if h > 23 || m > 59 || s > 60 {
        return Err(ValueError::NotATime);
    }
    Ok(time::timestamp(Day(0), h, m, s))
}

/// `true`/`false` in the ways exports write them: `1`, `yes`, `是`, `新客`...
pub fn parse_flag(raw: &str) -> Result<Option<bool>, ValueError> {
    if is_missing(raw) {
        return Ok(None);
    }
    let folded = fold_width(raw);
    let t = folded.trim().to_lowercase();
    match t.as_str() {
        "1" | "true" | "yes" | "y" | "new" | "是" | "新" | "新客" | "新客户" | "首购" => {
            Ok(Some(true))
        }
        "0" | "false" | "no" | "n" | "returning" | "否" | "老" | "老客" | "老客户" | "复购" => {
            Ok(Some(false))
        }
        _ => Err(ValueError::NotAFlag),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_decimals_take_the_fast_path_and_nothing_else_does() {
        assert_eq!(plain_decimal(b"8.4%"), Some(84.0 / 10.0 * 0.01));
        assert_eq!(
            plain_decimal("1.13万".as_bytes()),
            Some(113.0 / 100.0 * 1e4)
        );
        assert_eq!(plain_decimal(b"12.50"), Some(12.5));
        for other in [
            "12",
            ".5",
            "5.",
            "1.2.3",
            "-1.5",
            "1,234.5",
            " 1.5",
            "1.5 ",
            "1.5k",
            "１.５",
            "1.2345678901234567",
        ] {
            assert_eq!(plain_decimal(other.as_bytes()), None, "{other}");
        }
        // 1.13 is 1.12999999999999989…, so ten thousand of it rounds below 11,300.
        assert_eq!(parse_number("1.13万"), Ok(Some(11_299.999_999_999_998)));
        assert_eq!(parse_number("1.13万"), parse_number_generally("1.13万"));
        assert_eq!(parse_number("8.4%"), Ok(Some(0.084)));
    }

    /// `is_missing` as written before its fast paths: fold, trim, compare.
    fn is_missing_reference(text: &str) -> bool {
        let folded: String = text
            .chars()
            .map(|c| match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                '\u{3000}' | '\u{FEFF}' => ' ',
                '\u{FFE5}' => '¥',
                c => c,
            })
            .collect();
        let t = folded.trim();
        t.is_empty()
            || matches!(
                t,
                "-" | "--" | "—" | "——" | "－" | "/" | "null" | "NULL" | "Null"
            )
            || ["n/a", "na", "none", "nan"]
                .iter()
                .any(|w| t.eq_ignore_ascii_case(w))
            || t == "无"
    }

    proptest::proptest! {
        #[test]
        fn plain_decimals_read_fast_equal_the_general_reading(
            whole in 0u64..10_000_000,
            fraction in 0u64..100_000_000,
            fraction_digits in 1usize..9,
            whole_zeros in 0usize..3,
            suffix in proptest::sample::select(vec!["", "%", "万"]),
        ) {
            let fraction = format!("{:0width$}", fraction % 10u64.pow(fraction_digits as u32), width = fraction_digits);
            let text = format!("{}{whole}.{fraction}{suffix}", "0".repeat(whole_zeros));
            let fast = plain_decimal(text.as_bytes());
            let general = parse_number_generally(&text);
            if text.len() - suffix.len() <= 16 {
                proptest::prop_assert!(fast.is_some(), "{}", text);
            }
            if let Some(value) = fast {
                proptest::prop_assert_eq!(Ok(Some(value.to_bits())), general.map(|v| v.map(f64::to_bits)), "{}", text);
            }
        }

        #[test]
        fn iso_times_read_fast_equal_the_general_reading(
            year in 0u32..10_000,
            month in 0u32..14,
            day in 0u32..33,
            hour in 0u32..26,
            minute in 0u32..62,
            second in 0u32..62,
            form in 0usize..4,
        ) {
            let date = format!("{year:04}-{month:02}-{day:02}");
            let text = match form {
                0 => date,
                1 => format!("{date} {hour:02}:{minute:02}"),
                2 => format!("{date}T{hour:02}:{minute:02}:{second:02}"),
                _ => format!("{date} {hour:02}:{minute:02}:{second:02}"),
            };
            let fast = iso_fast(text.as_bytes());
            let general = parse_time_slowly(&text, DayOrder::DayFirst);
            let sound = Day::from_ymd(year as i32, month, day).is_some()
                && (form == 0 || (hour < 24 && minute < 60 && (form == 1 || second <= 60)));
            proptest::prop_assert_eq!(fast.is_some(), sound, "{}", text);
            if let Some(seconds) = fast {
                proptest::prop_assert_eq!(Ok(Some(seconds)), general, "{}", text);
            }
        }

        #[test]
        fn unpadded_text_is_what_trimming_leaves_alone(
            text in "[a 笔\u{A0}\u{85}\u{1680}\u{2000}\u{200A}\u{2028}\u{202F}\u{205F}\u{3000}\u{FEFF}\u{FF01}¥😀]{0,4}",
        ) {
            let trimmed = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
            if unpadded(&text) {
                proptest::prop_assert_eq!(trimmed, text.as_str());
            }
            // The lead-byte shortcut changes no answer: with a text's start
            // made plain, it is unpadded exactly when its end decodes so.
            let plain_start = format!("a{text}");
            proptest::prop_assert_eq!(unpadded(&plain_start), ends_unpadded(&plain_start));
        }

        #[test]
        fn iso_fast_reads_only_what_the_general_reading_reads(
            text in "[0-9]{0,4}[-0-9/: Ta]{0,16}",
        ) {
            if let Some(seconds) = iso_fast(text.as_bytes()) {
                proptest::prop_assert_eq!(
                    Ok(Some(seconds)),
                    parse_time_slowly(&text, DayOrder::DayFirst),
                    "{}",
                    text
                );
            }
        }
    }

    #[test]
    fn the_fast_paths_agree_with_the_general_rules() {
        let cells = [
            "",
            " ",
            "无",
            " 无",
            "无 ",
            "无\u{3000}",
            "\u{3000}无",
            "无无",
            "无A",
            "N102390",
            "n/a",
            "N/A ",
            "nan",
            "NaN",
            "none",
            "None1",
            "null",
            "nULL",
            "nＵＬＬ",
            "Ｎ/Ａ",
            "－",
            "—",
            "——",
            "—— ",
            "\u{FEFF}null",
            "null\u{FEFF}",
            "na\u{3000}",
            "笔记",
            "达人100",
            "早C晚A入门, 第100000篇",
            "图文\u{3000}",
            "\u{A0}无",
            "无\u{A0}",
            "12",
            "-",
            "user_c4e950c9ff",
            "N",
            "n",
            "na  ",
            "nanx",
            "/",
            " / ",
        ];
        for cell in cells {
            assert_eq!(is_missing(cell), is_missing_reference(cell), "{cell:?}");
            let trimmed = cell.trim_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
            if unpadded(cell) {
                assert_eq!(trimmed, cell, "{cell:?}");
            }
        }
        for number in [
            "0",
            "007",
            "123456789012345",
            "1234567890123456",
            "12",
            "1.5",
            "١٢",
        ] {
            let general: Option<f64> = number.parse().ok();
            assert_eq!(parse_number(number).ok().flatten(), general, "{number}");
        }
        assert!(matches!(fold_width("春天"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(fold_width("１２３\u{3000}"), "123 ");
    }

    fn num(text: &str) -> Option<f64> {
        parse_number(text).unwrap()
    }

    #[test]
    fn plain_and_grouped_numbers() {
        assert_eq!(num("1234"), Some(1234.0));
        assert_eq!(num("1,234"), Some(1234.0));
        assert_eq!(num("1,234,567.89"), Some(1_234_567.89));
        assert_eq!(num(" 42 "), Some(42.0));
        assert_eq!(num(".5"), Some(0.5));
    }

    #[test]
    fn chinese_and_latin_multipliers() {
        assert_eq!(num("1.2万"), Some(12_000.0));
        assert_eq!(num("3亿"), Some(300_000_000.0));
        assert_eq!(num("2.5k"), Some(2_500.0));
        assert_eq!(num("1.5w"), Some(15_000.0));
    }

    #[test]
    fn percentages_become_fractions() {
        assert_eq!(num("12.5%"), Some(0.125));
        assert_eq!(num("100%"), Some(1.0));
    }

    #[test]
    fn currency_marks_are_ignored() {
        assert_eq!(num("¥1,234.00"), Some(1234.0));
        assert_eq!(num("￥88"), Some(88.0));
        assert_eq!(num("$9.99"), Some(9.99));
        assert_eq!(num("RMB 500"), Some(500.0));
        assert_eq!(num("500元"), Some(500.0));
        assert_eq!(num("CNY1.2万"), Some(12_000.0));
    }

    #[test]
    fn negatives_in_parentheses_and_signs() {
        assert_eq!(num("(300)"), Some(-300.0));
        assert_eq!(num("-12.5"), Some(-12.5));
        assert_eq!(num("¥-12"), Some(-12.0));
        assert_eq!(num("(¥1,000)"), Some(-1000.0));
    }

    #[test]
    fn full_width_digits_are_read() {
        assert_eq!(num("１２３"), Some(123.0));
        assert_eq!(num("１，２３４．５"), Some(1234.5));
    }

    #[test]
    fn missing_spellings_are_none_never_zero() {
        for text in ["", "  ", "-", "--", "—", "N/A", "null", "NaN", "无"] {
            assert_eq!(parse_number(text), Ok(None), "{text:?}");
        }
    }

    #[test]
    fn garbage_and_bad_grouping_are_errors() {
        assert_eq!(parse_number("abc"), Err(ValueError::NotANumber));
        assert_eq!(parse_number("12abc"), Err(ValueError::NotANumber));
        assert_eq!(parse_number("1,5"), Err(ValueError::AmbiguousSeparator));
        assert_eq!(parse_number("inf"), Err(ValueError::NotANumber));
        assert_eq!(parse_number("1e999"), Err(ValueError::NotANumber));
    }

    fn at(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32) -> Option<i64> {
        Some(time::timestamp(Day::from_ymd(y, m, d).unwrap(), h, mi, s))
    }

    #[test]
    fn iso_slash_dot_and_chinese_dates() {
        let o = DayOrder::DayFirst;
        assert_eq!(parse_time("2026-03-05", o), Ok(at(2026, 3, 5, 0, 0, 0)));
        assert_eq!(parse_time("2026/3/5", o), Ok(at(2026, 3, 5, 0, 0, 0)));
        assert_eq!(parse_time("2026.03.05", o), Ok(at(2026, 3, 5, 0, 0, 0)));
        assert_eq!(parse_time("2026年3月5日", o), Ok(at(2026, 3, 5, 0, 0, 0)));
        assert_eq!(
            parse_time("2026年03月05日12时30分00秒", o),
            Ok(at(2026, 3, 5, 12, 30, 0))
        );
        assert_eq!(
            parse_time("2026-03-05T12:30:15", o),
            Ok(at(2026, 3, 5, 12, 30, 15))
        );
        assert_eq!(
            parse_time("2026/03/05 08:05", o),
            Ok(at(2026, 3, 5, 8, 5, 0))
        );
    }

    #[test]
    fn day_order_decides_short_forms() {
        assert_eq!(
            parse_time("05/03/2026", DayOrder::DayFirst),
            Ok(at(2026, 3, 5, 0, 0, 0))
        );
        assert_eq!(
            parse_time("03/05/2026", DayOrder::MonthFirst),
            Ok(at(2026, 3, 5, 0, 0, 0))
        );
    }

    #[test]
    fn excel_serials_and_unix_timestamps() {
        // Excel serial 46086 is 2026-03-05; .5 is noon.
        assert_eq!(
            parse_time("46086.5", DayOrder::DayFirst),
            Ok(at(2026, 3, 5, 12, 0, 0))
        );
        // 1772668800 is 2026-03-05 00:00 UTC, 08:00 in Beijing.
        assert_eq!(
            parse_time("1772668800", DayOrder::DayFirst),
            Ok(at(2026, 3, 5, 8, 0, 0))
        );
        assert_eq!(
            parse_time("1772668800000", DayOrder::DayFirst),
            Ok(at(2026, 3, 5, 8, 0, 0))
        );
    }

    #[test]
    fn twelve_hour_clocks_in_chinese_and_english() {
        let o = DayOrder::DayFirst;
        assert_eq!(
            parse_time("2026/3/5 下午 02:30:00", o),
            Ok(at(2026, 3, 5, 14, 30, 0))
        );
        assert_eq!(
            parse_time("2026/3/5 上午 11:05", o),
            Ok(at(2026, 3, 5, 11, 5, 0))
        );
        assert_eq!(
            parse_time("2026-03-05 2:30 PM", o),
            Ok(at(2026, 3, 5, 14, 30, 0))
        );
        assert_eq!(
            parse_time("2026-03-05 12:10 AM", o),
            Ok(at(2026, 3, 5, 0, 10, 0))
        );
        assert_eq!(
            parse_time("2026-03-05 13:10 PM", o),
            Err(ValueError::NotATime)
        );
    }

    #[test]
    fn zoned_times_move_to_china_time() {
        let o = DayOrder::DayFirst;
        assert_eq!(
            parse_time("2026-03-05T04:30:15Z", o),
            Ok(at(2026, 3, 5, 12, 30, 15))
        );
        assert_eq!(
            parse_time("2026-03-05T12:30:15+08:00", o),
            Ok(at(2026, 3, 5, 12, 30, 15))
        );
        assert_eq!(
            parse_time("2026-03-05 06:30:15+0200", o),
            Ok(at(2026, 3, 5, 12, 30, 15))
        );
        assert_eq!(
            parse_time("2026-03-04T23:30:00-05:00", o),
            Ok(at(2026, 3, 5, 12, 30, 0))
        );
    }

    #[test]
    fn impossible_dates_and_garbage_times_are_errors() {
        let o = DayOrder::DayFirst;
        assert_eq!(parse_time("2026-02-30", o), Err(ValueError::NoSuchDate));
        assert_eq!(parse_time("yesterday", o), Err(ValueError::NotATime));
        assert_eq!(parse_time("2026-03-05 25:00", o), Err(ValueError::NotATime));
        assert_eq!(parse_time("--", o), Ok(None));
    }

    #[test]
    fn flags_in_english_and_chinese() {
        assert_eq!(parse_flag("是"), Ok(Some(true)));
        assert_eq!(parse_flag("新客"), Ok(Some(true)));
        assert_eq!(parse_flag("No"), Ok(Some(false)));
        assert_eq!(parse_flag(""), Ok(None));
        assert_eq!(parse_flag("maybe"), Err(ValueError::NotAFlag));
    }
}
