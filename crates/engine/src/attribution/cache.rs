//! Journeys kept between attribution runs.
//!
//! Building journeys (grouping a touchpoint log by person, or splitting the
//! path texts of a paths table) costs more than most models, and it depends
//! on few settings: none for paths; the lookback window, the conversion
//! events, whether a conversion row is a touch and the channel rules for a
//! touchpoint log. A [`JourneyCache`] builds them once per table and those
//! settings, so a change of model, weights, half-life, order or bootstrap
//! reuses them, and a caller can build them right after an import, before
//! the first run asks.

use super::{AttributionError, Journeys, Settings};
use crate::schema::Kind;
use crate::table::Table;

/// The settings journeys of a touchpoint log depend on.
#[derive(Debug, Clone, PartialEq)]
struct TouchpointInputs {
    lookback_days: f64,
    conversion_events: Vec<String>,
    conversion_row_is_touch: bool,
    channel_rules: super::channels::ChannelRules,
}

impl TouchpointInputs {
    fn of(settings: &Settings) -> TouchpointInputs {
        TouchpointInputs {
            lookback_days: settings.lookback_days,
            conversion_events: settings.conversion_events.clone(),
            conversion_row_is_touch: settings.conversion_row_is_touch,
            channel_rules: settings.channel_rules.clone(),
        }
    }
}

/// What the kept journeys were built from.
#[derive(Debug, Clone, PartialEq)]
enum Source {
    Paths,
    Touchpoints(TouchpointInputs),
}

/// The journeys of one table, kept until the table or the settings they
/// depend on change. The caller says when the table changes
/// ([`JourneyCache::clear`]); the settings are compared on every call.
#[derive(Debug, Default)]
pub struct JourneyCache {
    kept: Option<(Source, Journeys)>,
}

impl JourneyCache {
    /// Forgets the kept journeys (the table they came from changed).
    pub fn clear(&mut self) {
        self.kept = None;
    }

    /// Whether journeys are kept.
    pub fn is_filled(&self) -> bool {
        self.kept.is_some()
    }

    /// The journeys of `table` (a touchpoint log or a paths table) under
    /// `settings`: the kept ones when they were built from the same
    /// settings, else new ones, then kept.
    pub fn journeys(
        &mut self,
        table: &Table,
        settings: &Settings,
    ) -> Result<&Journeys, AttributionError> {
        let source = match table.kind {
            Kind::Paths => Source::Paths,
            _ => Source::Touchpoints(TouchpointInputs::of(settings)),
        };
        let fresh = match &self.kept {
            Some((kept, _)) => *kept != source,
            None => true,
        };
        if fresh {
            let journeys = match source {
                Source::Paths => Journeys::from_paths(table)?,
                Source::Touchpoints(_) => Journeys::from_touchpoints(table, settings)?,
            };
            self.kept = Some((source, journeys));
        }
        Ok(&self.kept.as_ref().expect("kept above").1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::Model;

    fn imported(csv: &str) -> Table {
        crate::import("t.csv", csv.as_bytes(), &crate::ImportOptions::default())
            .unwrap()
            .table
    }

    fn touchpoints() -> Table {
        imported(
            "person_id,time,channel,event,value\n\
             p1,2026-03-01 10:00,xhs_note,,\n\
             p1,2026-03-20 10:00,wechat,,\n\
             p1,2026-03-21 10:00,tmall,purchase,120\n\
             p2,2026-03-02 09:00,xhs_search,,\n\
             p2,2026-03-03 09:00,jd,order,80\n",
        )
    }

    #[test]
    fn model_settings_reuse_the_kept_journeys_and_journey_settings_rebuild_them() {
        let table = touchpoints();
        let mut cache = JourneyCache::default();
        let mut settings = Settings::default();
        let touches = |cache: &mut JourneyCache, settings: &Settings| {
            cache
                .journeys(&table, settings)
                .unwrap()
                .view()
                .touches
                .len()
        };
        assert_eq!(touches(&mut cache, &settings), 5);

        // A model setting: the same journeys.
        settings.models = vec![Model::Markov];
        settings.markov_order = 2;
        let kept = cache.journeys(&table, &settings).unwrap() as *const Journeys;
        assert_eq!(
            kept,
            cache.journeys(&table, &settings).unwrap() as *const Journeys
        );

        // A shorter lookback drops p1's first touch (20 days before).
        settings.lookback_days = 7.0;
        assert_eq!(touches(&mut cache, &settings), 4);
        settings.lookback_days = 30.0;
        assert_eq!(touches(&mut cache, &settings), 5);
    }

    #[test]
    fn a_cleared_cache_builds_from_the_new_table() {
        let mut cache = JourneyCache::default();
        let settings = Settings::default();
        cache.journeys(&touchpoints(), &settings).unwrap();
        assert!(cache.is_filled());
        cache.clear();
        assert!(!cache.is_filled());
        let paths = imported(
            "path,total_conversions,total_conversion_value,total_null\n\
             xhs_note > tmall,3,300,1\n",
        );
        let journeys = cache.journeys(&paths, &settings).unwrap();
        assert_eq!(journeys.channels(), ["tmall", "xhs_note"]);
    }
}
