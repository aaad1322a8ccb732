//! What the section kinds add to a page: an event's times and place, a job posting's terms.
//!
//! Writers give them under `extra:` in front matter; this module reads and checks them, so
//! that a wrong time zone or an impossible date is an error with its place, not a broken
//! calendar entry.

use crate::date::DateValue;
use crate::diagnostics::Diagnostic;
use crate::model::recurrence::Recurrence;
use crate::model::Source;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::Zoned;
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Clone)]
pub struct Event {
    pub start: Zoned,
    pub end: Option<Zoned>,
    pub timezone: String,
    pub location: Option<String>,
    pub online_url: Option<String>,
    /// An RFC 5545 recurrence rule, such as `FREQ=MONTHLY;INTERVAL=3;COUNT=4`, parsed: the
    /// calendar writes it back from this value, never from the text as written.
    pub rrule: Option<Recurrence>,
    pub registration_url: Option<String>,
    /// schema.org EventStatus: scheduled, cancelled, postponed, rescheduled, moved online.
    pub status: String,
}

impl Event {
    /// `OfflineEventAttendanceMode`, `OnlineEventAttendanceMode` or `MixedEventAttendanceMode`.
    pub fn attendance_mode(&self) -> &'static str {
        match (&self.location, &self.online_url) {
            (Some(_), Some(_)) => "MixedEventAttendanceMode",
            (None, Some(_)) => "OnlineEventAttendanceMode",
            _ => "OfflineEventAttendanceMode",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Salary {
    pub currency: String,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// HOUR, DAY, WEEK, MONTH or YEAR.
    pub unit: String,
}

#[derive(Debug, Clone)]
pub struct Job {
    pub team: Option<String>,
    pub locations: Vec<String>,
    /// onsite, hybrid or remote.
    pub remote: String,
    /// schema.org employmentType: FULL_TIME, PART_TIME, CONTRACTOR, TEMPORARY, INTERN, ...
    pub employment_type: String,
    pub salary: Option<Salary>,
    pub valid_through: Option<DateValue>,
    pub apply_url: Option<String>,
    pub apply_email: Option<String>,
    pub contacts: Vec<String>,
    /// Countries candidates may work from, for remote postings.
    pub applicant_countries: Vec<String>,
}

#[derive(Deserialize)]
struct RawEvent {
    start: String,
    end: Option<String>,
    timezone: String,
    location: Option<String>,
    online_url: Option<String>,
    rrule: Option<String>,
    registration_url: Option<String>,
    status: Option<String>,
}

#[derive(Deserialize)]
struct RawSalary {
    currency: String,
    min: Option<f64>,
    max: Option<f64>,
    unit: Option<String>,
}

#[derive(Deserialize)]
struct RawJob {
    team: Option<String>,
    #[serde(default)]
    locations: Vec<String>,
    remote: Option<String>,
    employment_type: Option<String>,
    salary: Option<RawSalary>,
    valid_through: Option<String>,
    apply_url: Option<String>,
    apply_email: Option<String>,
    #[serde(default)]
    contacts: Vec<String>,
    #[serde(default)]
    applicant_countries: Vec<String>,
}

const EVENT_STATUSES: &[&str] = &[
    "scheduled",
    "cancelled",
    "postponed",
    "rescheduled",
    "moved-online",
];
const REMOTE: &[&str] = &["onsite", "hybrid", "remote"];
const EMPLOYMENT: &[&str] = &[
    "FULL_TIME",
    "PART_TIME",
    "CONTRACTOR",
    "TEMPORARY",
    "INTERN",
    "VOLUNTEER",
    "PER_DIEM",
    "OTHER",
];
const UNITS: &[&str] = &["HOUR", "DAY", "WEEK", "MONTH", "YEAR"];

fn raw<T: for<'de> Deserialize<'de>>(
    extra: Option<&Value>,
    src: &Source,
    what: &str,
    example: &str,
) -> Result<Option<T>, Diagnostic> {
    let Some(extra) = extra else { return Ok(None) };
    serde_path_to_error::deserialize::<_, T>(extra.clone())
        .map(Some)
        .map_err(|e| {
            // A wrong value (`timezone: 1`) is pointed at; a missing key at `extra`.
            let key = match e.path().iter().next() {
                Some(serde_path_to_error::Segment::Map { key }) if extra.get(key).is_some() => {
                    Some(key.clone())
                }
                _ => None,
            };
            match key {
                Some(key) => src.extra_error(
                    &key,
                    format!("`{}` of the {what} is wrong: {}", e.path(), e.inner()),
                ),
                None => src.key_error(
                    "extra",
                    format!("the {what} under `extra` is incomplete: {}", e.inner()),
                ),
            }
            .with_hint(format!("for example: {example}"))
        })
}

fn check_one(value: &str, allowed: &[&str], key: &str, src: &Source) -> Option<Diagnostic> {
    (!allowed.contains(&value)).then(|| {
        src.extra_error(
            key,
            format!(
                "`{key}` is `{value}`, which is not one of {}",
                allowed.join(", ")
            ),
        )
        .with_hint(
            match crate::diagnostics::suggest(value, allowed.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("use one of {}", allowed.join(", ")),
            },
        )
    })
}

fn local_time(value: &str, tz: &TimeZone, key: &str, src: &Source) -> Result<Zoned, Diagnostic> {
    value
        .parse::<DateTime>()
        .map_err(|e| e.to_string())
        .and_then(|dt| dt.to_zoned(tz.clone()).map_err(|e| e.to_string()))
        .map_err(|why| {
            src.extra_error(
                key,
                format!("event `{key}` `{value}` is not a valid local date and time ({why})"),
            )
            .with_hint("write it as 2027-01-21T14:00:00, in the event's `timezone`")
        })
}

/// The time zone a writer most likely meant: the same name in other letter case, a city's
/// zone (`Paris` is `Europe/Paris`), or the nearest name.
fn timezone_hint(given: &str) -> String {
    let db = jiff::tz::db();
    let names: Vec<String> = db.available().map(|n| n.as_str().to_string()).collect();
    let city = given.trim().replace(' ', "_").to_lowercase();
    let meant = names
        .iter()
        .find(|n| n.to_lowercase() == city)
        .or_else(|| {
            names.iter().find(|n| {
                n.rsplit('/')
                    .next()
                    .is_some_and(|c| c.to_lowercase() == city)
            })
        })
        .map(String::as_str)
        .or_else(|| crate::diagnostics::suggest(given, names.iter().map(String::as_str)));
    match meant {
        Some(n) => format!(
            "did you mean `{n}`? Time zones are IANA names, like Europe/Paris or America/Montreal"
        ),
        None => "use an IANA time zone name, like Europe/Paris or America/Montreal".to_string(),
    }
}

/// The event of a page in an `events` section.
pub fn event(src: &Source, extra: Option<&Value>, diags: &mut Vec<Diagnostic>) -> Option<Event> {
    let example = "`extra: { start: 2027-01-21T14:00:00, end: 2027-01-21T17:00:00, timezone: Europe/Paris, location: Lyon }`";
    let r: RawEvent = match raw(extra, src, "event", example) {
        Ok(Some(r)) => r,
        Ok(None) => {
            diags.push(
                src.key_error(
                    "extra",
                    "an event needs `extra` with at least `start` and `timezone`",
                )
                .with_hint(format!("for example: {example}")),
            );
            return None;
        }
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let tz = match TimeZone::get(&r.timezone) {
        Ok(tz) => tz,
        Err(_) => {
            diags.push(
                src.extra_error("timezone", format!("unknown time zone `{}`", r.timezone))
                    .with_hint(timezone_hint(&r.timezone)),
            );
            return None;
        }
    };
    let start = match local_time(&r.start, &tz, "start", src) {
        Ok(z) => z,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let end = match r
        .end
        .as_deref()
        .map(|e| local_time(e, &tz, "end", src))
        .transpose()
    {
        Ok(e) => e,
        Err(d) => {
            diags.push(d);
            None
        }
    };
    if let Some(e) = &end {
        if e.timestamp() < start.timestamp() {
            diags.push(
                src.extra_error("end", "the event ends before it starts")
                    .with_hint("check `start` and `end`"),
            );
        }
    }
    let status = r.status.unwrap_or_else(|| "scheduled".into());
    diags.extend(check_one(&status, EVENT_STATUSES, "status", src));
    // Checked against the start in the event's time zone; an error points at the rule itself.
    let rrule = r.rrule.as_deref().and_then(|rule| {
        Recurrence::parse(rule, &start)
            .map_err(|e| diags.push(src.extra_error("rrule", e.message).with_hint(e.hint)))
            .ok()
    });
    for (key, url) in [
        ("online_url", &r.online_url),
        ("registration_url", &r.registration_url),
    ] {
        if let Some(u) = url {
            if !crate::model::community::safe_url(u) {
                diags.push(
                    src.extra_error(key, format!("`{key}` `{u}` is not a web address"))
                        .with_hint("write a full https:// address"),
                );
            }
        }
    }
    Some(Event {
        start,
        end,
        timezone: r.timezone,
        location: r.location,
        online_url: r.online_url,
        rrule,
        registration_url: r.registration_url,
        status,
    })
}

/// The posting of a page in a `careers` section.
pub fn job(src: &Source, extra: Option<&Value>, diags: &mut Vec<Diagnostic>) -> Option<Job> {
    let example = "`extra: { team: Data, locations: [Lyon], remote: hybrid, employment_type: FULL_TIME, valid_through: 2027-01-31, apply_url: https://… }`";
    let r: RawJob = match raw(extra, src, "job posting", example) {
        Ok(Some(r)) => r,
        Ok(None) => RawJob {
            team: None,
            locations: Vec::new(),
            remote: None,
            employment_type: None,
            salary: None,
            valid_through: None,
            apply_url: None,
            apply_email: None,
            contacts: Vec::new(),
            applicant_countries: Vec::new(),
        },
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let remote = r.remote.unwrap_or_else(|| "onsite".into());
    diags.extend(check_one(&remote, REMOTE, "remote", src));
    let employment_type = r.employment_type.unwrap_or_else(|| "FULL_TIME".into());
    diags.extend(check_one(
        &employment_type,
        EMPLOYMENT,
        "employment_type",
        src,
    ));
    let salary = r.salary.map(|s| {
        let unit = s.unit.unwrap_or_else(|| "YEAR".into());
        diags.extend(check_one(&unit, UNITS, "salary.unit", src));
        Salary {
            currency: s.currency,
            min: s.min,
            max: s.max,
            unit,
        }
    });
    let valid_through = r.valid_through.as_deref().and_then(|v| {
        DateValue::parse(v)
            .map_err(|why| {
                diags.push(
                    src.extra_error(
                        "valid_through",
                        format!("`valid_through` is not a valid date: `{v}` ({why})"),
                    )
                    .with_hint("write it as YYYY-MM-DD"),
                )
            })
            .ok()
    });
    if r.apply_url.is_none() && r.apply_email.is_none() {
        diags.push(
            src.key_error("extra", "a job posting needs `apply_url` or `apply_email`")
                .with_hint("tell candidates where to apply"),
        );
    }
    if let Some(u) = &r.apply_url {
        if !crate::model::community::safe_url(u) {
            diags.push(
                src.extra_error(
                    "apply_url",
                    format!("`apply_url` `{u}` is not a web address"),
                )
                .with_hint("write a full https:// address"),
            );
        }
    }
    Some(Job {
        team: r.team,
        locations: r.locations,
        remote,
        employment_type,
        salary,
        valid_through,
        apply_url: r.apply_url,
        apply_email: r.apply_email,
        contacts: r.contacts,
        applicant_countries: r.applicant_countries,
    })
}
