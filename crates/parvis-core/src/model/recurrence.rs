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
pub struct Recurrence(rrule::RRule<rrule::Unvalidated>);

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
        let first = rrule::RRuleSet::new(dt_start).rrule(validated).all(1);
        if first.dates.is_empty() {
            // The crate looks 100,000 periods ahead (a second each with FREQ=SECONDLY): a
            // rule with no occurrence that far is refused too, and is a mistake for an event.
            return Err(error(
                format!("`rrule` `{rule}` never occurs from the event's start"),
                "check the BYxxx parts against each other and against the start: February has no 30th, and a 13th is a Friday only in some months",
            ));
        }
        Ok(Recurrence(parsed))
    }
}

impl fmt::Display for Recurrence {
    /// The RRULE value, written from the parsed rule.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
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
