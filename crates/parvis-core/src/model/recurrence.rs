//! Recurrence rules: `extra.rrule` of an event, parsed and checked with the `rrule` crate.
//!
//! The rule is kept as a parsed [`rrule::RRule`], never as the text the writer typed, and the
//! calendar writes its RRULE line back from that value. A rule therefore cannot carry anything
//! but rule parts into an `.ics` file: a line break, a `:` or a second event have nowhere to
//! go. Checking against the event's start in its own time zone also catches rules that parse
//! but can never happen (`BYMONTH=2;BYMONTHDAY=30`), which calendars would silently drop.

use jiff::Zoned;
use std::fmt;

/// A checked recurrence rule of an event: the rule as parsed, which the `rrule` crate has
/// validated against the start. The parsed rule is kept rather than the validated one, which
/// adds the start's local day and hour as BYxxx parts: the `.ics` gives the start in UTC, where
/// those parts would move the event.
#[derive(Debug, Clone, PartialEq)]
pub struct Recurrence {
    rule: rrule::RRule<rrule::Unvalidated>,
    /// The validated set from the event's start, for the next dates pages show.
    set: rrule::RRuleSet,
}

/// Why a rule was refused, in the writer's words, with what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecurrenceError {
    pub message: String,
    pub hint: String,
}

const EXAMPLE: &str = "write it as in RFC 5545, for example FREQ=MONTHLY;INTERVAL=3;COUNT=4 or FREQ=WEEKLY;BYDAY=TU;UNTIL=20271231T235959Z";

fn error(message: impl Into<String>, hint: impl Into<String>) -> RecurrenceError {
    RecurrenceError {
        message: message.into(),
        hint: hint.into(),
    }
}

impl Recurrence {
    /// Parses `rule` (the value of an RRULE line, without `RRULE:`) for an event starting at
    /// `start`, and checks that it is valid and occurs at least once.
    pub fn parse(rule: &str, start: &Zoned) -> Result<Recurrence, RecurrenceError> {
        let rule = rule.trim();
        if rule.is_empty() {
            return Err(error("`rrule` is empty", EXAMPLE));
        }
        if let Some(rest) = rule
            .get(..6)
            .filter(|p| p.eq_ignore_ascii_case("RRULE:"))
            .map(|_| &rule[6..])
        {
            return Err(error(
                "`rrule` starts with `RRULE:`",
                format!("write only the rule: `{}`", rest.trim()),
            ));
        }
        // The grammar of a rule (RFC 5545, 3.3.10) only has these characters. Checking them
        // first keeps line breaks and `:` out of the parser, whose own grammar reads several
        // content lines, and gives a message about the character itself.
        if let Some(c) = rule
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || "=;,+-".contains(*c)))
        {
            let what = match c {
                '\n' | '\r' => "a line break".to_string(),
                ' ' => "a space".to_string(),
                c if c.is_control() => format!("the control character U+{:04X}", c as u32),
                c => format!("`{c}`"),
            };
            return Err(error(
                format!("`rrule` contains {what}, which no recurrence rule has"),
                format!("a rule is parts like FREQ=WEEKLY separated by `;`; {EXAMPLE}"),
            ));
        }
        for part in rule.split(';') {
            if let Some((key, value)) = part.split_once('=') {
                if key.eq_ignore_ascii_case("UNTIL") && !value.ends_with(['Z', 'z']) {
                    return Err(error(
                        format!("`UNTIL={value}` is not a UTC time"),
                        "calendars read UNTIL in UTC, like the event's start in the .ics file: write it as UNTIL=20271231T235959Z",
                    ));
                }
            }
        }
        let parsed: rrule::RRule<rrule::Unvalidated> = rule
            .parse()
            .map_err(|e: rrule::RRuleError| error(explain(&e), EXAMPLE))?;
        if parsed.get_interval() == 0 {
            return Err(error(
                "`INTERVAL=0` in `rrule`: the event would never repeat",
                "INTERVAL counts the periods between occurrences and is at least 1 (the default)",
            ));
        }
        if parsed.get_count() == Some(0) {
            return Err(error(
                "`COUNT=0` in `rrule`: the event would never happen",
                "COUNT is the number of occurrences, at least 1; remove `rrule` for a one-off event",
            ));
        }
        let dt_start = chrono_start(start);
        let validated = parsed.clone().validate(dt_start).map_err(|e| match e {
            rrule::RRuleError::ValidationError(rrule::ValidationError::UntilBeforeStart {
                ..
            }) => error(
                "`UNTIL` in `rrule` is before the event's start: the event would never repeat",
                "give the last moment the event may repeat, after `start`, in UTC",
            ),
            e => error(explain(&e), EXAMPLE),
        })?;
        let set = rrule::RRuleSet::new(dt_start).rrule(validated);
        let first = set.clone().all(1);
        if first.dates.is_empty() {
            // The crate looks 100,000 periods ahead (a second each with FREQ=SECONDLY): a
            // rule with no occurrence that far is refused too, and is a mistake for an event.
            return Err(error(
                format!("`rrule` `{rule}` never occurs from the event's start"),
                "check the BYxxx parts against each other and against the start: February has no 30th, and a 13th is a Friday only in some months",
            ));
        }
        Ok(Recurrence { rule: parsed, set })
    }

    /// Up to `n` occurrences at or after `after`, for "next dates" on the event's page.
    pub fn next(&self, after: jiff::Timestamp, n: u16) -> Vec<jiff::Timestamp> {
        use chrono::TimeZone as _;
        let after = rrule::Tz::UTC
            .timestamp_opt(after.as_second(), 0)
            .single()
            .unwrap_or_else(|| rrule::Tz::UTC.timestamp_opt(0, 0).unwrap());
        self.set
            .clone()
            .after(after)
            .all(n)
            .dates
            .iter()
            .filter_map(|d| jiff::Timestamp::from_second(d.timestamp()).ok())
            .collect()
    }

    /// The rule in words, in `lang` (`fr` or English): "Every 3 months, 4 times",
    /// "Toutes les semaines, le mardi, jusqu'au 31 décembre 2027".
    pub fn describe(&self, lang: &str) -> String {
        let words = if lang == "fr" { &FRENCH } else { &ENGLISH };
        let r = &self.rule;
        let unit = r.get_freq() as usize;
        let interval = r.get_interval();
        let mut text = if interval <= 1 {
            words.every[unit].to_string()
        } else {
            words.every_n[unit].replace("{n}", &interval.to_string())
        };
        let days: Vec<String> = r
            .get_by_weekday()
            .iter()
            .map(|d| match d {
                rrule::NWeekday::Every(w) => (words.day)(w.num_days_from_monday() as usize, None),
                rrule::NWeekday::Nth(n, w) => {
                    (words.day)(w.num_days_from_monday() as usize, Some(*n))
                }
            })
            .collect();
        if !days.is_empty() {
            text.push_str(words.on);
            text.push_str(&join(&days, words.and));
        }
        if let Some(count) = r.get_count() {
            text.push_str(", ");
            text.push_str(&(words.times)(count));
        }
        if let Some(until) = r.get_until() {
            let day = crate::date::DateValue::Instant(
                jiff::Timestamp::from_second(until.timestamp()).unwrap_or_default(),
            );
            text.push_str(words.until);
            text.push_str(&day.display(lang));
        }
        text
    }
}

fn join(items: &[String], and: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{}{and}{last}", rest.join(", ")),
    }
}

/// The words of [`Recurrence::describe`] in one language; indexes follow `rrule::Frequency`
/// (yearly, monthly, weekly, daily, hourly, minutely, secondly) and weekdays from Monday.
struct Words {
    every: [&'static str; 7],
    every_n: [&'static str; 7],
    on: &'static str,
    and: &'static str,
    until: &'static str,
    times: fn(u32) -> String,
    day: fn(usize, Option<i16>) -> String,
}

const ENGLISH: Words = Words {
    every: [
        "Every year",
        "Every month",
        "Every week",
        "Every day",
        "Every hour",
        "Every minute",
        "Every second",
    ],
    every_n: [
        "Every {n} years",
        "Every {n} months",
        "Every {n} weeks",
        "Every {n} days",
        "Every {n} hours",
        "Every {n} minutes",
        "Every {n} seconds",
    ],
    on: " on ",
    and: " and ",
    until: ", until ",
    times: |n| match n {
        1 => "once".into(),
        2 => "twice".into(),
        n => format!("{n} times"),
    },
    day: |d, nth| {
        const DAYS: [&str; 7] = [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ];
        match nth {
            None => DAYS[d].to_string(),
            Some(-1) => format!("the last {}", DAYS[d]),
            Some(n @ 1..=5) => {
                const NTH: [&str; 5] = ["first", "second", "third", "fourth", "fifth"];
                format!("the {} {}", NTH[n as usize - 1], DAYS[d])
            }
            Some(n) => format!("{} (#{n})", DAYS[d]),
        }
    },
};

const FRENCH: Words = Words {
    every: [
        "Tous les ans",
        "Tous les mois",
        "Toutes les semaines",
        "Tous les jours",
        "Toutes les heures",
        "Toutes les minutes",
        "Toutes les secondes",
    ],
    every_n: [
        "Tous les {n} ans",
        "Tous les {n} mois",
        "Toutes les {n} semaines",
        "Tous les {n} jours",
        "Toutes les {n} heures",
        "Toutes les {n} minutes",
        "Toutes les {n} secondes",
    ],
    on: ", ",
    and: " et ",
    until: ", jusqu’au ",
    times: |n| match n {
        1 => "une fois".into(),
        n => format!("{n} fois"),
    },
    day: |d, nth| {
        const DAYS: [&str; 7] = [
            "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
        ];
        match nth {
            None => format!("le {}", DAYS[d]),
            Some(-1) => format!("le dernier {} du mois", DAYS[d]),
            Some(1) => format!("le premier {} du mois", DAYS[d]),
            Some(n @ 2..=5) => format!("le {n}e {} du mois", DAYS[d]),
            Some(n) => format!("le {} (n° {n})", DAYS[d]),
        }
    },
};

impl fmt::Display for Recurrence {
    /// The RRULE value, written from the parsed rule.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.rule.fmt(f)
    }
}

/// The event's start as the `rrule` crate wants it: the same instant, in the event's time zone
/// when chrono-tz knows its name (jiff and chrono-tz ship their own copies of the IANA
/// database), else in UTC, which only shifts the hour rules like BYHOUR are read in.
fn chrono_start(start: &Zoned) -> chrono::DateTime<rrule::Tz> {
    use chrono::TimeZone as _;
    let tz = start
        .time_zone()
        .iana_name()
        .and_then(|n| n.parse::<chrono_tz::Tz>().ok())
        .map_or(rrule::Tz::UTC, rrule::Tz::Tz);
    let ts = start.timestamp();
    tz.timestamp_opt(ts.as_second(), 0)
        .single()
        .unwrap_or_else(|| rrule::Tz::UTC.timestamp_opt(0, 0).unwrap())
}

/// The crate's message without its "RRule parsing error:" prefix.
fn explain(e: &rrule::RRuleError) -> String {
    let text = match e {
        rrule::RRuleError::ParserError(p) => p.to_string(),
        rrule::RRuleError::ValidationError(v) => v.to_string(),
        other => other.to_string(),
    };
    format!(
        "`rrule` is not a valid recurrence rule: {}",
        text.trim_end_matches('.')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start() -> Zoned {
        "2027-01-21T14:00:00[Europe/Paris]".parse().unwrap()
    }

    #[test]
    fn says_the_rule_in_words_and_gives_the_next_dates() {
        for (rule, en, fr) in [
            (
                "FREQ=MONTHLY;INTERVAL=3;COUNT=4",
                "Every 3 months, 4 times",
                "Tous les 3 mois, 4 fois",
            ),
            (
                "FREQ=WEEKLY;BYDAY=TU,TH",
                "Every week on Tuesday and Thursday",
                "Toutes les semaines, le mardi et le jeudi",
            ),
            (
                "FREQ=MONTHLY;BYDAY=1TH;UNTIL=20271231T235959Z",
                "Every month on the first Thursday, until 31 December 2027",
                "Tous les mois, le premier jeudi du mois, jusqu’au 31 décembre 2027",
            ),
            (
                "FREQ=YEARLY;COUNT=1",
                "Every year, once",
                "Tous les ans, une fois",
            ),
            ("FREQ=DAILY;INTERVAL=2", "Every 2 days", "Tous les 2 jours"),
        ] {
            let r = Recurrence::parse(rule, &start()).unwrap();
            assert_eq!(r.describe("en"), en, "{rule}");
            assert_eq!(r.describe("fr"), fr, "{rule}");
        }
        let r = Recurrence::parse("FREQ=MONTHLY;INTERVAL=3;COUNT=4", &start()).unwrap();
        let after: jiff::Timestamp = "2027-02-01T00:00:00Z".parse().unwrap();
        let next: Vec<String> = r.next(after, 5).iter().map(|t| t.to_string()).collect();
        // 21 January is past; April, July and October remain, 14:00 in Paris.
        assert_eq!(
            next,
            [
                "2027-04-21T12:00:00Z",
                "2027-07-21T12:00:00Z",
                "2027-10-21T12:00:00Z"
            ]
        );
    }

    #[test]
    fn writes_back_the_parsed_rule() {
        let r = Recurrence::parse("freq=monthly;interval=3;count=4", &start()).unwrap();
        assert_eq!(r.to_string(), "FREQ=MONTHLY;COUNT=4;INTERVAL=3");
    }

    #[test]
    fn refuses_what_is_not_a_rule() {
        for (rule, says) in [
            ("FREQ=DAILY\r\nURL:https://evil.example/", "a line break"),
            ("FREQ=DAILY;INTERVAL=0", "INTERVAL=0"),
            ("FREQ=DAILY;COUNT=-1", "COUNT"),
            ("FREQ=WEEKLY;BYDAY=ZZ", "`ZZ` is not a valid weekday"),
            ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "never occurs"),
            ("FREQ=DAILY;COUNT=0", "COUNT=0"),
            (
                "FREQ=DAILY;UNTIL=20270101T000000Z",
                "before the event's start",
            ),
            (
                "FREQ=MONTHLY;BYDAY=MO;BYMONTHDAY=13;BYMONTH=2;UNTIL=20270301T000000Z",
                "never occurs",
            ),
            ("FREQ=DAILY;UNTIL=20280101", "not a UTC time"),
            ("RRULE:FREQ=DAILY", "starts with `RRULE:`"),
            ("COUNT=3", "FREQ"),
            ("FREQ=DAILY;X-EVIL=1", "X-EVIL"),
            ("", "empty"),
        ] {
            let e = Recurrence::parse(rule, &start()).unwrap_err();
            assert!(e.message.contains(says), "{rule:?}: {}", e.message);
            assert!(!e.hint.is_empty());
        }
    }
}
