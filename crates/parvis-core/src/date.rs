//! Dates in front matter: a day (`2026-03-14`) or an instant (`2026-03-14T09:30:00+01:00`).

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::Timestamp;

/// A validated date, kept with the precision it was written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateValue {
    Day(Date),
    /// A civil time with no offset is read as UTC.
    Instant(Timestamp),
}

impl DateValue {
    /// Parses the forms writers use; the error says why in plain words.
    pub fn parse(s: &str) -> Result<DateValue, String> {
        let s = s.trim();
        if s.len() == 10 {
            return s.parse::<Date>().map(DateValue::Day).map_err(explain);
        }
        if let Ok(ts) = s.parse::<Timestamp>() {
            return Ok(DateValue::Instant(ts));
        }
        // A civil time is read as UTC. So is an instant of the last hours of 9999, past the
        // range of an instant: it means "never", as the day `9999-12-31` does, and is kept as
        // the last instant there is.
        let civil = s.strip_suffix(['Z', 'z']).unwrap_or(s);
        civil.parse::<DateTime>().map_err(explain).map(|dt| {
            let ts = dt.to_zoned(TimeZone::UTC).map(|z| z.timestamp());
            DateValue::Instant(ts.unwrap_or(clamp(dt.year())))
        })
    }

    /// The start of the day (UTC) or the instant, for ordering and for comparing with now.
    pub fn timestamp(&self) -> Timestamp {
        match self {
            // The UTC offset, not the UTC time zone: the same instant, without time zone
            // machinery (sorting 10,000 pages calls this a million times).
            DateValue::Day(d) => jiff::tz::Offset::UTC
                .to_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
                .unwrap_or(clamp(d.year())),
            DateValue::Instant(t) => *t,
        }
    }

    pub fn day(&self) -> Date {
        match self {
            DateValue::Day(d) => *d,
            DateValue::Instant(t) => t.to_zoned(TimeZone::UTC).date(),
        }
    }

    /// `YYYY-MM-DD` for days, RFC 3339 in UTC for instants.
    pub fn iso(&self) -> String {
        match self {
            DateValue::Day(d) => d.to_string(),
            DateValue::Instant(t) => t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        }
    }

    /// A date a reader expects in `lang`: "14 March 2026", "14 mars 2026".
    pub fn display(&self, lang: &str) -> String {
        let d = self.day();
        let month = (d.month() - 1) as usize;
        match lang {
            "fr" => format!("{} {} {}", d.day(), MONTHS_FR[month], d.year()),
            _ => format!("{} {} {}", d.day(), MONTHS_EN[month], d.year()),
        }
    }
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// The instant nearest to a civil time of `year` that has none: the first or the last there
/// is. `9999-12-31` as a `publish_date` must stay in the future, never sort as the past.
fn clamp(year: i16) -> Timestamp {
    if year > 0 {
        Timestamp::MAX
    } else {
        Timestamp::MIN
    }
}

fn explain(e: jiff::Error) -> String {
    // jiff says which field is out of range ("day ... is not in the required range of 1..=28").
    let msg = e.to_string();
    if msg.contains("day") && msg.contains("range") {
        format!("that day does not exist in that month: {msg}")
    } else {
        msg
    }
}

/// The current instant, or `SOURCE_DATE_EPOCH` when set, so that builds can be reproduced.
pub fn now() -> Timestamp {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| Timestamp::from_second(secs).ok())
        .unwrap_or_else(Timestamp::now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_days_and_instants() {
        assert_eq!(DateValue::parse("2026-03-14").unwrap().iso(), "2026-03-14");
        assert_eq!(
            DateValue::parse("2026-03-14T09:30:00+01:00").unwrap().iso(),
            "2026-03-14T08:30:00Z"
        );
        assert_eq!(
            DateValue::parse("2026-03-14 09:30").unwrap().iso(),
            "2026-03-14T09:30:00Z"
        );
    }

    #[test]
    fn the_last_instants_of_9999_are_accepted_and_stay_last() {
        for s in ["9999-12-31", "9999-12-31T23:59:59Z", "9999-12-31T12:00:00"] {
            let d = DateValue::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(d.timestamp(), Timestamp::MAX, "{s}");
        }
        assert!(DateValue::parse("2026-01-01").unwrap().timestamp() < Timestamp::MAX);
    }

    #[test]
    fn rejects_impossible_days() {
        let e = DateValue::parse("2026-02-30").unwrap_err();
        assert!(e.contains("does not exist"), "{e}");
        assert!(DateValue::parse("yesterday").is_err());
    }

    #[test]
    fn displays_in_french() {
        let d = DateValue::parse("2026-08-01").unwrap();
        assert_eq!(d.display("fr"), "1 août 2026");
        assert_eq!(d.display("en"), "1 August 2026");
    }
}
