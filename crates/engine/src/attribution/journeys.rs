//! Journeys: the ordered touches of one person before a conversion (or before
//! the journey ends without one), stored flat.
//!
//! A [`Journeys`] holds every touch's channel id in one `Vec<u16>` with
//! `offsets` marking where each journey starts, plus per-journey conversions,
//! value and nulls (weights: a touchpoint journey is one conversion or one
//! null; a paths row carries its counts) and, for timed journeys, each touch's
//! age in seconds before the conversion. Channel ids are ranks of the channel
//! names in sorted order, so every output is ordered by name.

use serde::Serialize;

use std::borrow::Cow;

use super::channels::{ChannelRules, SourceField};
use super::hash::{FxMap, NameKey, NameTable};
use super::{AttributionError, Settings};
use crate::schema::Kind;
use crate::table::{Table, TextColumn, MISSING_TEXT, MISSING_TIME};
use crate::time::SECONDS_PER_DAY;

/// Largest number of distinct channels (ids are `u16`).
pub const MAX_CHANNELS: usize = 1 << 16;

/// What happened to the input rows on the way to journeys.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct JourneyStats {
    /// Rows turned into touches (touchpoints) or journeys (paths).
    pub rows_used: usize,
    /// Rows that could not be used: missing person, time or channel; a path
    /// with no channel; a negative or infinite count.
    pub rows_skipped: usize,
    /// Touches dropped because they came earlier than the lookback window
    /// before their conversion.
    pub touches_outside_lookback: usize,
    pub converting_journeys: usize,
    pub non_converting_journeys: usize,
}

/// Journeys in flat arrays. Build with [`JourneyBuilder`],
/// [`Journeys::from_touchpoints`] or [`Journeys::from_paths`].
#[derive(Debug, Clone, PartialEq)]
pub struct Journeys {
    channels: Vec<String>,
    touches: Vec<u16>,
    offsets: Vec<u32>,
    conversions: Vec<f64>,
    value: Vec<f64>,
    nulls: Vec<f64>,
    ages: Option<Vec<u32>>,
    pub stats: JourneyStats,
}

/// Borrowed flat arrays of journeys, as the models read them.
#[derive(Debug, Clone, Copy)]
pub struct JourneyView<'a> {
    /// Number of channels; ids are below it.
    pub channels: usize,
    pub touches: &'a [u16],
    /// `journeys + 1` entries; journey `i` is `touches[offsets[i]..offsets[i + 1]]`.
    pub offsets: &'a [u32],
    pub conversions: &'a [f64],
    pub value: &'a [f64],
    pub nulls: &'a [f64],
}

impl<'a> JourneyView<'a> {
    pub fn len(&self) -> usize {
        self.conversions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.conversions.is_empty()
    }

    #[inline]
    pub fn journey(&self, i: usize) -> &'a [u16] {
        &self.touches[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    /// The journeys a Markov chain counts, each with a touch and some
    /// weight: `(index, conversions, nulls, channels)`.
    pub fn weighted(self) -> impl Iterator<Item = (usize, f64, f64, &'a [u16])> {
        (0..self.len()).filter_map(move |j| {
            let (c, u) = (self.conversions[j], self.nulls[j]);
            let path = self.journey(j);
            (c + u > 0.0 && !path.is_empty()).then_some((j, c, u, path))
        })
    }
}

impl Journeys {
    /// Channel names in id order (sorted).
    pub fn channels(&self) -> &[String] {
        &self.channels
    }

    pub fn len(&self) -> usize {
        self.conversions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.conversions.is_empty()
    }

    pub fn view(&self) -> JourneyView<'_> {
        JourneyView {
            channels: self.channels.len(),
            touches: &self.touches,
            offsets: &self.offsets,
            conversions: &self.conversions,
            value: &self.value,
            nulls: &self.nulls,
        }
    }

    /// Channel ids of journey `i`.
    pub fn touches(&self, i: usize) -> &[u16] {
        self.view().journey(i)
    }

    /// Seconds from each touch of journey `i` to its conversion, when known.
    pub fn ages(&self, i: usize) -> Option<&[u32]> {
        let range = self.offsets[i] as usize..self.offsets[i + 1] as usize;
        self.ages.as_ref().map(|a| &a[range])
    }

    /// Ages of all touches, aligned with the flat touches.
    pub fn all_ages(&self) -> Option<&[u32]> {
        self.ages.as_deref()
    }

    pub fn conversions(&self) -> &[f64] {
        &self.conversions
    }

    pub fn values(&self) -> &[f64] {
        &self.value
    }

    pub fn nulls(&self) -> &[f64] {
        &self.nulls
    }

    /// Channel names of journey `i`.
    pub fn names(&self, i: usize) -> Vec<&str> {
        self.touches(i)
            .iter()
            .map(|&c| self.channels[c as usize].as_str())
            .collect()
    }

    /// Same journeys with other weights (the bootstrap's resamples).
    pub(crate) fn view_with<'a>(
        &'a self,
        conversions: &'a [f64],
        value: &'a [f64],
        nulls: &'a [f64],
    ) -> JourneyView<'a> {
        JourneyView {
            conversions,
            value,
            nulls,
            ..self.view()
        }
    }

    /// Journeys of a touchpoint log: rows grouped by person and sorted by time
    /// (file order breaks ties); a conversion event ends a journey with its
    /// value (missing value: 0, still a conversion) after dropping the touches
    /// older than the lookback window; the touches after a person's last
    /// conversion form one journey without conversion.
    pub fn from_touchpoints(
        table: &Table,
        settings: &Settings,
    ) -> Result<Journeys, AttributionError> {
        if table.kind != Kind::Touchpoints {
            return Err(AttributionError::WrongKind {
                expected: Kind::Touchpoints.name(),
                found: table.kind.name(),
            });
        }
        settings.validate()?;
        let persons = table
            .text("person_id")
            .ok_or(AttributionError::MissingField("person_id"))?;
        let times = table
            .times("time")
            .ok_or(AttributionError::MissingField("time"))?;
        let channels = resolved_channels(table, &settings.channel_rules)?;
        let channels = channels.as_ref();
        let events = table.text("event");
        let values = table.numbers("value");
        let lookback = (settings.lookback_days * SECONDS_PER_DAY as f64).round() as i64;

        // Which event names are conversions, once per distinct name.
        let conversion_names: Vec<String> = settings
            .conversion_events
            .iter()
            .map(|e| e.trim().to_lowercase())
            .collect();
        let is_conversion_code: Vec<bool> = events
            .map(|e| {
                e.dictionary()
                    .iter()
                    .map(|name| {
                        let name = name.trim().to_lowercase();
                        conversion_names.contains(&name)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let event_codes = events.map(|e| e.codes());
        let is_conversion = |row: usize| -> bool {
            match event_codes {
                Some(codes) => {
                    let code = codes[row];
                    code != MISSING_TEXT && is_conversion_code[code as usize]
                }
                None => false,
            }
        };

        // Counting sort of usable rows by person code (stable: file order).
        let person_codes = persons.codes();
        let channel_codes = channels.codes();
        let people = persons.dictionary().len();
        let mut start = vec![0u32; people + 1];
        let mut stats = JourneyStats::default();
        let usable = |row: usize| {
            person_codes[row] != MISSING_TEXT
                && times[row] != MISSING_TIME
                && channel_codes[row] != MISSING_TEXT
        };
        for (row, &person) in person_codes.iter().enumerate().take(table.rows) {
            if usable(row) {
                start[person as usize + 1] += 1;
            } else {
                stats.rows_skipped += 1;
            }
        }
        for p in 0..people {
            start[p + 1] += start[p];
        }
        let used = start[people] as usize;
        stats.rows_used = used;
        let mut order = vec![0u32; used];
        let mut next: Vec<u32> = start[..people].to_vec();
        for (row, &person) in person_codes.iter().enumerate().take(table.rows) {
            if usable(row) {
                let p = person as usize;
                order[next[p] as usize] = row as u32;
                next[p] += 1;
            }
        }
        drop(next);

        let mut builder = JourneyBuilder::with_capacity(true, used, used / 3 + 1);
        // Channel dictionary code -> builder id, interned on first use.
        let mut channel_id = vec![u32::MAX; channels.dictionary().len()];
        let dictionary = channels.dictionary();
        let mut intern =
            |builder: &mut JourneyBuilder, code: u32| -> Result<u16, AttributionError> {
                let slot = &mut channel_id[code as usize];
                if *slot == u32::MAX {
                    *slot = u32::from(builder.channel(&dictionary[code as usize])?);
                }
                Ok(*slot as u16)
            };

        for p in 0..people {
            let group = &mut order[start[p] as usize..start[p + 1] as usize];
            if group.is_empty() {
                continue;
            }
            group.sort_unstable_by_key(|&r| (times[r as usize], r));
            let mut segment = 0usize;
            for i in 0..group.len() {
                let row = group[i] as usize;
                if !is_conversion(row) {
                    continue;
                }
                let at = times[row];
                // First touch inside the window (times are sorted).
                let mut first = segment;
                while first < i && at - times[group[first] as usize] > lookback {
                    first += 1;
                }
                stats.touches_outside_lookback += first - segment;
                let end = if settings.conversion_row_is_touch || first == i {
                    i + 1
                } else {
                    i
                };
                for &r in &group[first..end] {
                    let r = r as usize;
                    let id = intern(&mut builder, channel_codes[r])?;
                    builder.push_touch(id, age(at - times[r]));
                }
                let value = values.map_or(0.0, |v| v[row]);
                let value = if value.is_finite() { value } else { 0.0 };
                builder.end_journey(1.0, value, 0.0);
                segment = i + 1;
            }
            if segment < group.len() {
                let last = times[group[group.len() - 1] as usize];
                for &r in &group[segment..] {
                    let r = r as usize;
                    let id = intern(&mut builder, channel_codes[r])?;
                    builder.push_touch(id, age(last - times[r]));
                }
                builder.end_journey(0.0, 0.0, 1.0);
            }
        }
        let mut journeys = builder.finish();
        stats.converting_journeys = journeys.stats.converting_journeys;
        stats.non_converting_journeys = journeys.stats.non_converting_journeys;
        journeys.stats = stats;
        Ok(journeys)
    }
}

/// Touchpoint columns that say where a touch came from, for the channel rules.
const SOURCE_COLUMNS: [(SourceField, &str); 7] = [
    (SourceField::UtmSource, "utm_source"),
    (SourceField::UtmMedium, "utm_medium"),
    (SourceField::UtmCampaign, "utm_campaign"),
    (SourceField::Referrer, "referrer"),
    (SourceField::PromoCode, "promo_code"),
    (SourceField::QrCode, "qr_code"),
    (SourceField::LandingPage, "landing_page"),
];

/// The channel of every touch: the `channel` column where it has a value,
/// else the channel rules applied to the touch's sources (UTM tags, referrer,
/// codes, landing page). Without source columns the channel column is used
/// as it is, and rows without a channel are skipped (and counted) later.
fn resolved_channels<'t>(
    table: &'t Table,
    rules: &ChannelRules,
) -> Result<Cow<'t, TextColumn>, AttributionError> {
    let channel = table.text("channel");
    let sources: Vec<(SourceField, &TextColumn)> = SOURCE_COLUMNS
        .iter()
        .filter_map(|&(field, name)| table.text(name).map(|column| (field, column)))
        .collect();
    if sources.is_empty() {
        return channel
            .map(Cow::Borrowed)
            .ok_or(AttributionError::MissingField("channel"));
    }
    let classifier = rules.compile();
    // Logs repeat a few source combinations millions of times: classify each
    // combination of dictionary codes once.
    let mut known: FxMap<[u32; 7], u32> = FxMap::default();
    let mut out = TextColumn::default();
    for row in 0..table.rows {
        if let Some(column) = channel {
            let code = column.codes()[row];
            if code != MISSING_TEXT {
                out.push(Some(&column.dictionary()[code as usize]));
                continue;
            }
        }
        let mut key = [MISSING_TEXT; 7];
        for (slot, (_, column)) in key.iter_mut().zip(&sources) {
            *slot = column.codes()[row];
        }
        let code = match known.get(&key) {
            Some(&code) => code,
            None => {
                let mut source = super::channels::Source::default();
                for ((field, column), &code) in sources.iter().zip(&key) {
                    let value = (code != MISSING_TEXT).then(|| &column.dictionary()[code as usize]);
                    match field {
                        SourceField::UtmSource => source.utm_source = value,
                        SourceField::UtmMedium => source.utm_medium = value,
                        SourceField::UtmCampaign => source.utm_campaign = value,
                        SourceField::Referrer => source.referrer = value,
                        SourceField::PromoCode => source.promo_code = value,
                        SourceField::QrCode => source.qr_code = value,
                        SourceField::LandingPage => source.landing_page = value,
                    }
                }
                let code = out.intern(classifier.classify(&source));
                known.insert(key, code);
                code
            }
        };
        out.push_code(code);
    }
    Ok(Cow::Owned(out))
}

impl Journeys {
    /// Journeys of an aggregated paths table (the ChannelAttribution layout):
    /// `a > b > c` split on `>` and trimmed, empty steps ignored; conversions,
    /// value and nulls per row (missing: 0). Rows with no weight are ignored.
    #[inline(never)] // called once per table; keeps it visible to profilers
    pub fn from_paths(table: &Table) -> Result<Journeys, AttributionError> {
        if table.kind != Kind::Paths {
            return Err(AttributionError::WrongKind {
                expected: Kind::Paths.name(),
                found: table.kind.name(),
            });
        }
        let paths = table
            .text("path")
            .ok_or(AttributionError::MissingField("path"))?;
        let conversions = table
            .numbers("conversions")
            .ok_or(AttributionError::MissingField("conversions"))?;
        let values = table.numbers("value");
        let nulls = table.numbers("nulls");

        let dictionary = paths.dictionary();
        let touches = dictionary.iter().map(|p| p.len() / 4 + 1).sum::<usize>();
        let mut builder = JourneyBuilder::with_capacity(false, touches, table.rows);
        // Each distinct path text is parsed once, straight into the journeys'
        // touches: code -> the range of its first journey there.
        let mut parsed: Vec<Option<(u32, u32)>> = vec![None; dictionary.len()];
        let mut scratch = Vec::new();
        let mut stats = JourneyStats::default();
        let number = |column: Option<&[f64]>, row: usize| {
            column.map_or(0.0, |c| if c[row].is_nan() { 0.0 } else { c[row] })
        };
        for (row, &code) in paths.codes().iter().enumerate() {
            let c = number(Some(conversions), row);
            let v = number(values, row);
            let n = number(nulls, row);
            if code == MISSING_TEXT
                || [c, v, n].iter().any(|x| !x.is_finite())
                || c < 0.0
                || n < 0.0
            {
                stats.rows_skipped += 1;
                continue;
            }
            if c == 0.0 && n == 0.0 && v == 0.0 {
                continue;
            }
            let (from, to) = match parsed[code as usize] {
                Some((from, to)) => {
                    builder
                        .touches
                        .extend_from_within(from as usize..to as usize);
                    (from, to)
                }
                None => {
                    let from = builder.touches.len() as u32;
                    builder.push_path_text(&dictionary[code as usize], &mut scratch)?;
                    let range = (from, builder.touches.len() as u32);
                    parsed[code as usize] = Some(range);
                    range
                }
            };
            if from == to {
                stats.rows_skipped += 1;
                continue;
            }
            stats.rows_used += 1;
            builder.end_journey(c, v, n);
        }
        let mut journeys = builder.finish();
        stats.converting_journeys = journeys.stats.converting_journeys;
        stats.non_converting_journeys = journeys.stats.non_converting_journeys;
        journeys.stats = stats;
        Ok(journeys)
    }

    /// The same journeys with identical channel sequences merged (weights
    /// summed, ages dropped), in order of first appearance, and for each input
    /// journey the index of its merged journey.
    pub fn aggregate(&self) -> (Journeys, Vec<u32>) {
        let view = self.view();
        let mut index: FxMap<&[u16], u32> = FxMap::default();
        let mut builder = JourneyBuilder::with_capacity(false, 0, 0);
        builder.names = NameTable::from_names(self.channels.clone());
        let mut merged_of = Vec::with_capacity(self.len());
        for i in 0..self.len() {
            let path = view.journey(i);
            let next = builder.conversions.len() as u32;
            let k = *index.entry(path).or_insert_with(|| {
                builder.touches.extend_from_slice(path);
                builder.offsets.push(builder.touches.len() as u32);
                builder.conversions.push(0.0);
                builder.value.push(0.0);
                builder.nulls.push(0.0);
                next
            });
            builder.conversions[k as usize] += view.conversions[i];
            builder.value[k as usize] += view.value[i];
            builder.nulls[k as usize] += view.nulls[i];
            merged_of.push(k);
        }
        let stats = JourneyStats {
            converting_journeys: builder.conversions.iter().filter(|&&c| c > 0.0).count(),
            non_converting_journeys: builder.conversions.iter().filter(|&&c| c <= 0.0).count(),
            ..self.stats.clone()
        };
        let journeys = Journeys {
            channels: builder.names.into_names(),
            touches: builder.touches,
            offsets: builder.offsets,
            conversions: builder.conversions,
            value: builder.value,
            nulls: builder.nulls,
            ages: None,
            stats,
        };
        (journeys, merged_of)
    }
}

fn age(seconds: i64) -> u32 {
    seconds.clamp(0, i64::from(u32::MAX)) as u32
}

/// Zero bytes around a path text being split (see
/// [`JourneyBuilder::push_path_text`]).
const PAD: usize = 8;

/// The fast path of splitting a path text: pushes the ids of its steps when
/// every step is a channel already named, trimmed by at most one space on
/// each side (the layout ChannelAttribution writes, `a > b > c`), and says
/// whether it could. A step whose bytes equal a known name's is that name,
/// so nothing else need be checked here; anything else (a new name, more
/// white space, a blank step) goes to the general path. `padded` holds the
/// text from byte [`PAD`] to `end`, with [`PAD`] zero bytes after it.
#[inline(never)]
fn known_steps(padded: &[u8], end: usize, names: &NameTable, out: &mut Vec<u16>) -> bool {
    let mut start = PAD;
    let mut word_at = PAD;
    let mut separators = separator_bytes(read_word(&padded[PAD..PAD + 8]));
    loop {
        let at = if separators != 0 {
            let at = word_at + separators.trailing_zeros() as usize / 8;
            separators &= separators - 1;
            at
        } else {
            word_at += 8;
            if word_at < end {
                separators = separator_bytes(read_word(&padded[word_at..word_at + 8]));
                continue;
            }
            end
        };
        let from = start + usize::from(padded[start] == b' ');
        let to = at - usize::from(padded[at - 1] == b' ');
        if from >= to {
            return false;
        }
        match names.get_keyed(NameKey::in_padded(padded, from, to), &padded[from..to]) {
            Some(id) => out.push(id as u16),
            None => return false,
        }
        if at >= end {
            return true;
        }
        start = at + 1;
    }
}

#[inline]
fn read_word(bytes: &[u8]) -> u64 {
    u64::from_le_bytes(bytes.try_into().expect("8 bytes"))
}

/// The high bit of every byte of `word` that is `>`, and no other bit.
#[inline]
fn separator_bytes(word: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let v = word ^ 0x3e3e_3e3e_3e3e_3e3e;
    // Exact zero-byte test (no borrow between bytes, unlike `v - 0x01..`).
    !(((v & LOW7) + LOW7) | v | LOW7)
}

/// Builds [`Journeys`] touch by touch without per-journey allocation.
/// Channels are interned in order of appearance; [`JourneyBuilder::finish`]
/// renumbers them by sorted name.
#[derive(Debug, Clone)]
pub struct JourneyBuilder {
    names: NameTable,
    touches: Vec<u16>,
    offsets: Vec<u32>,
    conversions: Vec<f64>,
    value: Vec<f64>,
    nulls: Vec<f64>,
    ages: Option<Vec<u32>>,
}

impl JourneyBuilder {
    /// `timed`: touches carry their age before the conversion (time decay in
    /// seconds); otherwise time decay counts steps.
    pub fn new(timed: bool) -> JourneyBuilder {
        JourneyBuilder::with_capacity(timed, 0, 0)
    }

    pub fn with_capacity(timed: bool, touches: usize, journeys: usize) -> JourneyBuilder {
        let mut offsets = Vec::with_capacity(journeys + 1);
        offsets.push(0);
        JourneyBuilder {
            names: NameTable::default(),
            touches: Vec::with_capacity(touches),
            offsets,
            conversions: Vec::with_capacity(journeys),
            value: Vec::with_capacity(journeys),
            nulls: Vec::with_capacity(journeys),
            ages: timed.then(|| Vec::with_capacity(touches)),
        }
    }

    /// The id of a channel name, added when new.
    pub fn channel(&mut self, name: &str) -> Result<u16, AttributionError> {
        if let Some(id) = self.names.get(name) {
            return Ok(id as u16);
        }
        if self.names.len() >= MAX_CHANNELS {
            return Err(AttributionError::TooManyChannels(self.names.len() + 1));
        }
        Ok(self.names.insert_new(name) as u16)
    }

    /// Adds one touch to the journey being built. `age`: seconds before the
    /// conversion (ignored when the builder is not timed).
    #[inline]
    pub fn push_touch(&mut self, channel: u16, age: u32) {
        self.touches.push(channel);
        if let Some(ages) = &mut self.ages {
            ages.push(age);
        }
    }

    /// Closes the journey being built. A journey without touches is dropped.
    #[inline]
    pub fn end_journey(&mut self, conversions: f64, value: f64, nulls: f64) {
        if self.touches.len() as u32 == *self.offsets.last().expect("offsets start with 0") {
            return;
        }
        self.offsets.push(self.touches.len() as u32);
        self.conversions.push(conversions);
        self.value.push(value);
        self.nulls.push(nulls);
    }

    /// Adds a whole journey of channel ids.
    pub fn push(
        &mut self,
        channels: &[u16],
        ages: Option<&[u32]>,
        conversions: f64,
        value: f64,
        nulls: f64,
    ) {
        for (i, &c) in channels.iter().enumerate() {
            self.push_touch(c, ages.map_or(0, |a| a[i]));
        }
        self.end_journey(conversions, value, nulls);
    }

    /// Adds the touches of a path text, channels joined by `>` (blank steps
    /// skipped), to the journey being built. `scratch` is reused between
    /// calls.
    fn push_path_text(
        &mut self,
        path: &str,
        scratch: &mut Vec<u8>,
    ) -> Result<(), AttributionError> {
        // The path between eight zero bytes on each side, so that the fast
        // path reads every step and every word eight bytes at a time.
        scratch.clear();
        scratch.extend_from_slice(&[0; PAD]);
        scratch.extend_from_slice(path.as_bytes());
        scratch.extend_from_slice(&[0; PAD]);
        let before = self.touches.len();
        if self.ages.is_none()
            && known_steps(scratch, PAD + path.len(), &self.names, &mut self.touches)
        {
            return Ok(());
        }
        self.touches.truncate(before);
        // New names, unusual spacing, blank steps: the definition itself.
        for step in path.split('>') {
            let step = step.trim();
            if !step.is_empty() {
                let id = self.channel(step)?;
                self.push_touch(id, 0);
            }
        }
        Ok(())
    }

    /// Adds a whole journey by channel names.
    pub fn push_names(
        &mut self,
        channels: &[&str],
        conversions: f64,
        value: f64,
        nulls: f64,
    ) -> Result<(), AttributionError> {
        for name in channels {
            let id = self.channel(name)?;
            self.push_touch(id, 0);
        }
        self.end_journey(conversions, value, nulls);
        Ok(())
    }

    /// Adds a timed journey: `(channel, seconds before the conversion)`.
    pub fn push_timed(
        &mut self,
        touches: &[(&str, u32)],
        conversions: f64,
        value: f64,
        nulls: f64,
    ) -> Result<(), AttributionError> {
        for (name, age) in touches {
            let id = self.channel(name)?;
            self.push_touch(id, *age);
        }
        self.end_journey(conversions, value, nulls);
        Ok(())
    }

    /// Renumbers channels by sorted name and returns the journeys.
    pub fn finish(self) -> Journeys {
        let JourneyBuilder {
            names,
            mut touches,
            offsets,
            conversions,
            value,
            nulls,
            ages,
            ..
        } = self;
        let names = names.into_names();
        let mut sorted: Vec<u16> = (0..names.len() as u32).map(|i| i as u16).collect();
        sorted.sort_unstable_by(|&a, &b| names[a as usize].cmp(&names[b as usize]));
        let mut rank = vec![0u16; names.len()];
        for (r, &id) in sorted.iter().enumerate() {
            rank[id as usize] = r as u16;
        }
        for t in &mut touches {
            *t = rank[*t as usize];
        }
        let mut names = names;
        let channels: Vec<String> = sorted
            .iter()
            .map(|&id| std::mem::take(&mut names[id as usize]))
            .collect();
        // A journey record counts as converting when it carries conversions.
        let converting = conversions.iter().filter(|&&c| c > 0.0).count();
        let stats = JourneyStats {
            rows_used: conversions.len(),
            converting_journeys: converting,
            non_converting_journeys: conversions.len() - converting,
            ..JourneyStats::default()
        };
        Journeys {
            channels,
            touches,
            offsets,
            conversions,
            value,
            nulls,
            ages,
            stats,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Column, TextColumn};
    use crate::time::Day;

    /// `(person, day, hour, channel, event, value)`.
    type Row<'a> = (&'a str, i32, i64, &'a str, &'a str, Option<f64>);

    /// A touchpoints table from rows.
    fn touchpoints(rows: &[Row<'_>]) -> Table {
        let mut t = Table::new(
            Kind::Touchpoints,
            &[true, true, true, false, false, true, true],
        );
        let mut person = TextColumn::default();
        let mut channel = TextColumn::default();
        let mut event = TextColumn::default();
        let mut time = Vec::new();
        let mut value = Vec::new();
        for &(p, day, hour, c, e, v) in rows {
            person.push(Some(p));
            channel.push(Some(c));
            event.push(if e.is_empty() { None } else { Some(e) });
            time.push(Day(20_000 + day).timestamp() + hour * 3600);
            value.push(v.unwrap_or(f64::NAN));
        }
        t.columns[0] = Column::Text(person);
        t.columns[1] = Column::Time(time);
        t.columns[2] = Column::Text(channel);
        t.columns[5] = Column::Text(event);
        t.columns[6] = Column::Number(value);
        t.rows = rows.len();
        t
    }

    fn all(j: &Journeys) -> Vec<(Vec<&str>, f64, f64, f64)> {
        (0..j.len())
            .map(|i| (j.names(i), j.conversions()[i], j.values()[i], j.nulls()[i]))
            .collect()
    }

    fn imported(csv: &str) -> Table {
        crate::import("t.csv", csv.as_bytes(), &crate::ImportOptions::default())
            .unwrap()
            .table
    }

    #[test]
    fn touches_without_a_channel_get_one_from_their_sources_by_the_rules() {
        let table = imported(
            "person_id,time,channel,utm_source,utm_medium,promo_code,event,value\n\
             p1,2026-03-01 10:00,,xiaohongshu,search,,click,\n\
             p1,2026-03-02 10:00,,xhs,kol,,click,\n\
             p1,2026-03-03 10:00,wechat,xhs,kol,,click,\n\
             p1,2026-03-04 10:00,,,,,visit,\n\
             p1,2026-03-05 10:00,,weibo,,,click,\n\
             p1,2026-03-06 10:00,,,,XHS-KOL1,purchase,100\n",
        );
        let j = Journeys::from_touchpoints(&table, &Settings::default()).unwrap();
        // A channel in the row wins; no source at all is direct; a source no
        // rule knows is other; the promo code is Xiaohongshu's.
        assert_eq!(
            all(&j),
            vec![(
                vec![
                    "xhs_search",
                    "kol_note",
                    "wechat",
                    "direct",
                    "other",
                    "xhs_note"
                ],
                1.0,
                100.0,
                0.0
            )]
        );

        // The rules are the user's: weibo gets its own channel.
        let mut settings = Settings::default();
        settings.channel_rules.rules.insert(
            0,
            crate::attribution::channels::ChannelRule {
                field: SourceField::UtmSource,
                matches: crate::attribution::channels::Match::Equals(vec!["Weibo".into()]),
                and: Vec::new(),
                channel: "weibo".into(),
            },
        );
        let j = Journeys::from_touchpoints(&table, &settings).unwrap();
        assert_eq!(all(&j)[0].0[4], "weibo");
    }

    #[test]
    fn a_log_without_channel_or_source_columns_is_refused() {
        let table = imported("person_id,time,event\np1,2026-03-01,click\n");
        assert!(matches!(
            Journeys::from_touchpoints(&table, &Settings::default()),
            Err(AttributionError::MissingField("channel"))
        ));
    }

    #[test]
    fn touches_are_grouped_by_person_sorted_by_time_and_split_at_conversions() {
        let table = touchpoints(&[
            ("p1", 2, 0, "wechat", "click", None),
            ("p2", 0, 0, "tmall", "visit", None),
            ("p1", 0, 0, "xhs_note", "click", None),
            ("p1", 3, 0, "tmall", "Purchase", Some(99.0)),
            ("p1", 5, 0, "douyin", "click", None),
            ("p1", 6, 0, "jd", "购买", None),
            ("p1", 7, 0, "xhs_search", "click", None),
        ]);
        let j = Journeys::from_touchpoints(&table, &Settings::default()).unwrap();
        assert_eq!(
            all(&j),
            vec![
                (vec!["xhs_note", "wechat", "tmall"], 1.0, 99.0, 0.0),
                (vec!["douyin", "jd"], 1.0, 0.0, 0.0),
                (vec!["xhs_search"], 0.0, 0.0, 1.0),
                (vec!["tmall"], 0.0, 0.0, 1.0),
            ]
        );
        assert_eq!(
            j.channels(),
            ["douyin", "jd", "tmall", "wechat", "xhs_note", "xhs_search"]
        );
        // Ages in seconds before the conversion.
        assert_eq!(j.ages(0).unwrap(), [3 * 86_400, 86_400, 0]);
        assert_eq!(j.stats.converting_journeys, 2);
        assert_eq!(j.stats.non_converting_journeys, 2);
    }

    #[test]
    fn touches_older_than_the_lookback_window_are_dropped() {
        let table = touchpoints(&[
            ("p", 0, 0, "old", "click", None),
            ("p", 31, 1, "recent", "click", None),
            ("p", 40, 0, "shop", "order", Some(10.0)),
        ]);
        let settings = Settings {
            lookback_days: 30.0,
            ..Settings::default()
        };
        let j = Journeys::from_touchpoints(&table, &settings).unwrap();
        assert_eq!(all(&j), vec![(vec!["recent", "shop"], 1.0, 10.0, 0.0)]);
        assert_eq!(j.stats.touches_outside_lookback, 1);
        assert_eq!(j.channels(), ["recent", "shop"]);
    }

    #[test]
    fn a_touch_exactly_at_the_window_edge_is_kept() {
        let table = touchpoints(&[
            ("p", 0, 0, "edge", "click", None),
            ("p", 30, 0, "shop", "conversion", None),
        ]);
        let j = Journeys::from_touchpoints(&table, &Settings::default()).unwrap();
        assert_eq!(all(&j), vec![(vec!["edge", "shop"], 1.0, 0.0, 0.0)]);
    }

    #[test]
    fn conversion_row_counts_as_a_touch_only_when_set_or_alone() {
        let table = touchpoints(&[
            ("p", 0, 0, "xhs_note", "click", None),
            ("p", 1, 0, "tmall", "conversion", Some(5.0)),
            ("q", 1, 0, "jd", "CONVERSION", Some(7.0)),
        ]);
        let settings = Settings {
            conversion_row_is_touch: false,
            ..Settings::default()
        };
        let j = Journeys::from_touchpoints(&table, &settings).unwrap();
        assert_eq!(
            all(&j),
            vec![
                (vec!["xhs_note"], 1.0, 5.0, 0.0),
                (vec!["jd"], 1.0, 7.0, 0.0)
            ]
        );
    }

    #[test]
    fn paths_are_split_on_the_arrow_and_trimmed() {
        let mut t = Table::new(Kind::Paths, &[true, true, true, true]);
        let mut path = TextColumn::default();
        for p in ["c > a >b", " a ", "b > > c", " > ", "a", "zz > a"] {
            path.push(Some(p));
        }
        t.columns[0] = Column::Text(path);
        t.columns[1] = Column::Number(vec![2.0, 1.0, 0.0, 1.0, f64::NAN, 0.0]);
        t.columns[2] = Column::Number(vec![20.0, f64::NAN, 0.0, 1.0, 0.0, 0.0]);
        t.columns[3] = Column::Number(vec![1.0, 0.0, 3.0, 0.0, 0.0, f64::NAN]);
        t.rows = 6;
        let j = Journeys::from_paths(&t).unwrap();
        assert_eq!(
            all(&j),
            vec![
                (vec!["c", "a", "b"], 2.0, 20.0, 1.0),
                (vec!["a"], 1.0, 0.0, 0.0),
                (vec!["b", "c"], 0.0, 0.0, 3.0),
            ]
        );
        assert_eq!(j.stats.rows_skipped, 1);
        // A row without weight adds no channel.
        assert_eq!(j.channels(), ["a", "b", "c"]);
        assert!(j.all_ages().is_none());
    }

    #[test]
    fn aggregate_merges_identical_paths_in_first_seen_order() {
        let mut b = JourneyBuilder::new(false);
        b.push_names(&["x", "y"], 1.0, 5.0, 0.0).unwrap();
        b.push_names(&["y"], 0.0, 0.0, 1.0).unwrap();
        b.push_names(&["x", "y"], 1.0, 3.0, 0.0).unwrap();
        let j = b.finish();
        let (agg, of) = j.aggregate();
        assert_eq!(of, vec![0, 1, 0]);
        assert_eq!(
            all(&agg),
            vec![(vec!["x", "y"], 2.0, 8.0, 0.0), (vec!["y"], 0.0, 0.0, 1.0)]
        );
    }

    #[test]
    fn wrong_table_kind_is_refused() {
        let t = Table::new(Kind::Notes, &vec![true; Kind::Notes.fields().len()]);
        assert!(matches!(
            Journeys::from_paths(&t),
            Err(AttributionError::WrongKind { .. })
        ));
    }

    /// The definition the fast split must agree with: split on `>`, trim,
    /// drop blank steps.
    fn reference_steps(path: &str) -> Vec<&str> {
        path.split('>')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect()
    }

    fn split_steps(builder: &mut JourneyBuilder, path: &str) -> Vec<String> {
        let mut scratch = Vec::new();
        let from = builder.touches.len();
        builder.push_path_text(path, &mut scratch).unwrap();
        builder.touches[from..]
            .iter()
            .map(|&id| builder.names.names()[id as usize].clone())
            .collect()
    }

    #[test]
    fn path_texts_split_like_split_trim_filter_whatever_their_spacing() {
        let mut builder = JourneyBuilder::new(false);
        // Known names first, so the later texts go through the fast path
        // where they can.
        let texts = [
            "xhs_note > xhs_search > jd > tmall",
            "xhs_note>xhs_search>jd",
            "xhs_note  >  jd",
            "\txhs_note > jd\t",
            "jd > > tmall",
            "jd > ",
            " > jd",
            ">",
            "",
            "   ",
            "offline store > offline > offline store",
            "小红书笔记 > 天猫",
            "\u{3000}小红书笔记\u{3000}> 天猫\u{a0}",
            "a_channel_name_longer_than_sixteen > a_channel_name_longer_than_sixteen_too",
            "a_channel_name_longer_than_sixteen_x > a_channel_name_longer_than_sixteen",
            "x > y > x > y > x > y > x > y > x > y > x > y",
            "j > jd > jdx > j",
            "xhs_note > xhs_search > jd > tmall",
        ];
        for text in texts {
            assert_eq!(
                split_steps(&mut builder, text),
                reference_steps(text),
                "{text:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn any_path_text_splits_like_split_trim_filter(
            texts in proptest::collection::vec("[ab >\t\u{3000}é]{0,24}", 1..20)
        ) {
            let mut builder = JourneyBuilder::new(false);
            for text in &texts {
                proptest::prop_assert_eq!(split_steps(&mut builder, text), reference_steps(text));
            }
        }
    }
}
