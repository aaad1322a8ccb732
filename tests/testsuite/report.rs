//! The community manager's report: objectives measured from a fixture site with a known
//! history, the editorial calendar of the next eight weeks, quiet themes, and the internal
//! dashboard that no wider circle ever sees.
//!
//! `tests/fixtures/report/` is measured on Wednesday 6 January 2027 at noon UTC; "four weeks
//! ago" is 9 December 2026 at noon, and the previous 30-day window of contributions ends on
//! 7 December 2026 at noon.

use crate::site_test::{snapshot, SiteTest};
use serde_json::Value;

/// Wednesday 6 January 2027, 12:00 UTC.
pub const NOW: i64 = 1_799_236_800;

fn report_json(t: &SiteTest, extra: &[&str]) -> Value {
    let mut args = vec!["report", ".", "--format", "json"];
    args.extend_from_slice(extra);
    let run = t.run_at(NOW, &args);
    run.success();
    serde_json::from_str(&run.stdout).expect("the report is JSON")
}

fn objective<'a>(r: &'a Value, id: &str) -> &'a Value {
    r["objectives"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == id)
        .unwrap_or_else(|| panic!("no objective {id}"))
}

/// (value, previous, status, trend) of an objective.
fn measured(r: &Value, id: &str) -> (f64, f64, String, String) {
    let o = objective(r, id);
    (
        o["value"].as_f64().unwrap(),
        o["previous"].as_f64().unwrap(),
        o["status"].as_str().unwrap().to_string(),
        o["trend"].as_str().unwrap().to_string(),
    )
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn each_indicator_is_exactly_what_the_fixture_implies() {
    let t = SiteTest::fixture("report");
    let r = report_json(&t, &[]);
    assert_eq!(r["audience"], "internal", "report.audience by default");
    assert_eq!(r["today"], "2027-01-06");
    let m = |id| measured(&r, id);
    // Ada, Bob and Eve; Bob joined on 20 December. Dee is alumni, Fay unpublished.
    assert_eq!(m("ambassadors"), (3.0, 2.0, "on_track".into(), "up".into()));
    // Ada, Bob and Cy; two a month ago, and the five are due at the end of January.
    assert_eq!(
        m("makers-members"),
        (3.0, 2.0, "behind".into(), "up".into())
    );
    // The energy club (Eve and Gus) is the smallest, and 31 December has passed.
    assert_eq!(
        m("every-community"),
        (2.0, 2.0, "overdue".into(), "flat".into())
    );
    assert_eq!(objective(&r, "every-community")["detail"], "Energy club");
    // Two energy posts in the last four weeks (the draft does not count), one in the four before.
    assert_eq!(m("energy-posts"), (0.5, 0.25, "behind".into(), "up".into()));
    assert_eq!(m("posts"), (1.0, 0.5, "met".into(), "up".into()));
    // Ada 2, Bob 3, Eve 1 in the last 30 days; Ada and Cy one each in the 30 before. Dee's
    // (alumni) and Fay's (unpublished) do not count.
    assert_eq!(
        m("contributions"),
        (6.0, 2.0, "on_track".into(), "up".into())
    );
    // The intern posting closed on 20 December; the designer and sales lead are newer.
    assert_eq!(m("postings"), (4.0, 3.0, "behind".into(), "up".into()));
    // The past webinar was still ahead four weeks ago.
    assert_eq!(m("events"), (3.0, 4.0, "met".into(), "down".into()));
    // Ada, Eve and Gus have photo, bio, headline, expertise and a community.
    assert_eq!(m("profiles"), (3.0, 3.0, "met".into(), "flat".into()));
    let o = objective(&r, "ambassadors");
    assert_eq!(o["percent"], 75);
    assert_eq!(o["days_left"], 84);
    assert_eq!(o["change"], 1.0);

    // The same input at the same moment gives the same report, byte for byte.
    let runs: Vec<String> = (0..2)
        .map(|_| t.run_at(NOW, &["report", ".", "--format", "json"]).stdout)
        .collect();
    assert!(runs[0] == runs[1], "two runs differ");
}

#[test]
fn a_narrower_audience_measures_only_what_it_sees() {
    let t = SiteTest::fixture("report");
    let r = report_json(&t, &["--audience", "public"]);
    assert_eq!(r["audience"], "public");
    // Eve is internal: one ambassador fewer, and the energy club has Gus alone.
    assert_eq!(measured(&r, "ambassadors").0, 2.0);
    assert_eq!(measured(&r, "every-community").0, 1.0);
    assert_eq!(measured(&r, "contributions").0, 5.0);
    assert_eq!(r["leader_candidates"], Value::Array(vec![]));
    let quiet: Vec<String> = r["quiet_themes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["slug"].as_str().unwrap().to_string())
        .collect();
    assert!(!quiet.contains(&"strategy".to_string()), "{quiet:?}");
}

#[test]
fn an_empty_week_in_the_next_eight_is_flagged() {
    let t = SiteTest::fixture("report");
    let r = report_json(&t, &[]);
    let weeks = r["calendar"].as_array().unwrap();
    let starts: Vec<&str> = weeks.iter().map(|w| w["start"].as_str().unwrap()).collect();
    assert_eq!(
        starts,
        [
            "2027-01-04",
            "2027-01-11",
            "2027-01-18",
            "2027-01-25",
            "2027-02-01",
            "2027-02-08",
            "2027-02-15",
            "2027-02-22"
        ]
    );
    let empty: Vec<&str> = weeks
        .iter()
        .filter(|w| w["empty"] == true)
        .map(|w| w["iso_week"].as_str().unwrap())
        .collect();
    // A posting closing is not something planned to publish.
    assert_eq!(empty, ["2027-W07"]);
    let items = |k: usize| -> Vec<(String, String, String)> {
        weeks[k]["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["kind"].as_str().unwrap().to_string(),
                    i["day"].as_str().unwrap().to_string(),
                    i["title"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let item = |k: &str, d: &str, title: &str| (k.to_string(), d.to_string(), title.to_string());
    assert_eq!(items(0), [item("post", "2027-01-04", "Year in review")]);
    assert_eq!(weeks[0]["items"][0]["published"], true);
    assert_eq!(
        items(1),
        [
            item("post", "2027-01-12", "Heat pumps explained"),
            item("posting_closes", "2027-01-15", "Community manager")
        ]
    );
    assert_eq!(
        items(2),
        [item("event", "2027-01-20", "Energy club meetup")]
    );
    assert_eq!(weeks[2]["items"][0]["date"], "2027-01-20T17:00:00Z");
    assert_eq!(
        items(5),
        [item("post", "2027-02-09", "Data sharing charter")]
    );
    assert_eq!(
        items(6),
        [item("posting_closes", "2027-02-17", "Sales lead")]
    );
    assert_eq!(
        items(7),
        [item("post", "2027-02-23", "Ambassadors of the year")]
    );

    let text = t.run_at(NOW, &["report", "."]);
    text.success();
    assert!(
        text.stdout
            .lines()
            .any(|l| l == "  2027-W07 2027-02-15  ! nothing planned"),
        "{}",
        text.stdout
    );
    assert_eq!(text.stdout.matches("nothing planned").count(), 1 + 2);
}

#[test]
fn themes_quiet_for_a_month_are_flagged_with_what_is_planned() {
    let t = SiteTest::fixture("report");
    let r = report_json(&t, &[]);
    let quiet: Vec<(String, Value, Value, Value)> = r["quiet_themes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["slug"].as_str().unwrap().to_string(),
                q["last"].clone(),
                q["days_since"].clone(),
                q["next"].clone(),
            )
        })
        .collect();
    let j = |v: &str| Value::String(v.to_string());
    assert_eq!(
        quiet,
        [
            // Only planned, never published yet.
            (
                "recognition".into(),
                Value::Null,
                Value::Null,
                j("2027-02-23")
            ),
            ("strategy".into(), j("2026-10-01"), 97.into(), Value::Null),
            ("policy".into(), j("2026-11-01"), 66.into(), Value::Null),
        ]
    );
}

#[test]
fn leader_candidates_thin_profiles_and_postings_closing_soon() {
    let t = SiteTest::fixture("report");
    let r = report_json(&t, &[]);
    let names = |key: &str| -> Vec<String> {
        r[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                x["name"]
                    .as_str()
                    .or(x["title"].as_str())
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    assert_eq!(names("leader_candidates"), ["Ada Lovelace", "Eve Insider"]);
    assert_eq!(r["leader_candidates"][0]["total"], 9);
    assert_eq!(names("thin_profiles"), ["Bob Builder"]);
    assert_eq!(
        names("expiring_postings"),
        ["Community manager", "Sales lead"]
    );
    assert_eq!(r["expiring_postings"][0]["days_left"], 9);
    assert_eq!(r["expiring_postings"][1]["days_left"], 42);
    assert_eq!(
        strings(&r["history"]["themes"]),
        ["energy", "making", "community", "policy"]
    );
    let months = r["history"]["months"].as_array().unwrap();
    assert_eq!(months.len(), 12);
    let last = &months[11];
    assert_eq!(last["month"], "2027-01");
    assert_eq!(
        (
            &last["members"],
            &last["ambassadors"],
            &last["contributions"]
        ),
        (&5.into(), &3.into(), &2.into())
    );
}

#[test]
fn csv_is_one_table_with_a_section_column() {
    let t = SiteTest::fixture("report");
    let run = t.run_at(NOW, &["report", ".", "--format", "csv"]);
    run.success();
    let rows: Vec<Vec<&str>> = run
        .stdout
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(
        rows[0],
        [
            "section", "id", "title", "date", "kind", "value", "target", "previous", "status",
            "url"
        ]
    );
    assert!(rows.iter().all(|r| r.len() == 10), "{}", run.stdout);
    let count = |s: &str| rows.iter().filter(|r| r[0] == s).count();
    assert_eq!(
        (
            count("objective"),
            count("week"),
            count("calendar"),
            count("quiet_theme"),
            count("leader_candidate"),
            count("thin_profile"),
            count("expiring_posting")
        ),
        (9, 8, 9, 3, 2, 1, 2)
    );
    assert!(rows.contains(&vec![
        "objective",
        "ambassadors",
        "Four active ambassadors",
        "2027-03-31",
        "active_ambassadors",
        "3",
        "4",
        "2",
        "on_track",
        ""
    ]));
    assert!(rows.contains(&vec![
        "objective",
        "energy-posts",
        "One energy post a week",
        "2027-02-28",
        "posts_per_week",
        "0.5",
        "1",
        "0.25",
        "behind",
        ""
    ]));
    assert!(rows.contains(&vec![
        "week",
        "2027-W07",
        "",
        "2027-02-15",
        "",
        "0",
        "",
        "",
        "empty",
        ""
    ]));
    assert!(rows.contains(&vec![
        "calendar",
        "2027-W02",
        "Heat pumps explained",
        "2027-01-12",
        "post",
        "",
        "",
        "",
        "planned",
        "/blog/heat-pumps/"
    ]));
}

#[test]
fn text_report_has_no_colour_off_a_terminal() {
    let t = SiteTest::fixture("report");
    let run = t.run_at(NOW, &["report", "."]);
    run.success();
    assert!(!run.stdout.contains('\x1b'), "{}", run.stdout);
    for line in [
        "Report for Report Fixture: audience `internal`, 2027-01-06",
        "  on track        3       4      +1  2027-03-31  ambassadors: Four active ambassadors (active_ambassadors)",
        "  overdue         2       3       0  2026-12-31  every-community: Three members in every community (members_per_community, Energy club)",
        "  Ada Lovelace              9  (charisma 3, known 2, recognised 2, available 2)",
        "  2027-01-15  in   9 days  Community manager  /careers/community-manager/",
    ] {
        assert!(run.stdout.lines().any(|l| l == line), "missing {line:?} in:\n{}", run.stdout);
    }
}

#[test]
fn the_dashboard_is_in_the_internal_build_only() {
    let t = SiteTest::fixture("report");
    t.build_at(NOW, &["--audience", "internal"]).success();
    let html = t.read("dashboard/index.html");
    assert_eq!(html.matches("<svg class=\"chart\"").count(), 4);
    assert!(html.contains("<title id=\"chart-posts-title\">Posts per week by theme</title>"));
    assert!(html.contains("Four active ambassadors"));
    assert!(html.contains("class=\"calendar-week is-empty\""));
    for far in [
        "src=\"http",
        "stylesheet\" href=\"http",
        "url(http",
        "@import",
    ] {
        assert!(!html.contains(far), "the dashboard loads {far}…");
    }
    assert!(
        t.read("index.html").contains("href=\"/dashboard/\""),
        "the menu links to it"
    );
    assert!(!t.read("sitemap.xml").contains("dashboard"));

    for audience in ["ambassadors", "public"] {
        t.build_at(NOW, &["--audience", audience]).success();
        assert!(!t.exists("dashboard"), "{audience}");
        for (path, bytes) in snapshot(&t.out()) {
            let text = String::from_utf8_lossy(&bytes);
            for trace in [
                "/dashboard/",
                "class=\"objective",
                "Four active ambassadors",
                "Editorial calendar",
                "chart-posts",
            ] {
                assert!(
                    !text.contains(trace),
                    "the {audience} build has {trace:?} in {path}"
                );
            }
        }
    }
}

#[test]
fn the_editorial_calendar_is_an_ics_file_calendars_read() {
    let t = SiteTest::fixture("report");
    t.build_at(NOW, &["--audience", "internal"]).success();
    let text = t.read("dashboard/calendar.ics");
    let mut parser = ical::IcalParser::new(text.as_bytes());
    let cal = parser.next().expect("a calendar").expect("it parses");
    let prop = |e: &ical::parser::ical::component::IcalEvent, name: &str| -> (String, String) {
        let p = e.properties.iter().find(|p| p.name == name).unwrap();
        let params = p
            .params
            .as_ref()
            .map(|ps| {
                ps.iter()
                    .map(|(k, v)| format!("{k}={}", v.join(",")))
                    .collect::<Vec<_>>()
                    .join(";")
            })
            .unwrap_or_default();
        (params, p.value.clone().unwrap_or_default())
    };
    let summaries: Vec<String> = cal.events.iter().map(|e| prop(e, "SUMMARY").1).collect();
    assert_eq!(
        summaries,
        [
            "Post: Year in review",
            "Post: Heat pumps explained",
            "Posting closes: Community manager",
            "Event: Energy club meetup",
            "Post: Makers spring programme",
            "Event: Makers fair",
            "Post: Data sharing charter",
            "Posting closes: Sales lead",
            "Post: Ambassadors of the year",
        ]
    );
    let heat = &cal.events[1];
    assert_eq!(
        prop(heat, "DTSTART"),
        ("VALUE=DATE".into(), "20270112".into())
    );
    assert_eq!(
        prop(heat, "DTEND"),
        ("VALUE=DATE".into(), "20270113".into())
    );
    assert_eq!(
        prop(heat, "URL").1,
        "https://report.example.org/blog/heat-pumps/"
    );
    assert_eq!(prop(&cal.events[3], "DTSTART").1, "20270120T170000Z");
    assert_eq!(prop(&cal.events[6], "DTSTART").1, "20270209T090000Z");
    let uids: std::collections::BTreeSet<String> =
        cal.events.iter().map(|e| prop(e, "UID").1).collect();
    assert_eq!(uids.len(), 9, "every entry has its own UID");
}

#[test]
fn objective_and_report_mistakes_point_into_site_yaml() {
    let t = SiteTest::fixture("report");
    let base = "title: X\nbase_url: https://x.example/\naudiences: [internal, public]\n";
    let cases: &[(&str, &[&str])] = &[
        (
            "objectives:\n  - id: a\n    title: A\n    indicator: active_ambasadors\n    target: 3\n    by: 2027-01-01\n",
            &[
                "error: unknown indicator `active_ambasadors`",
                "  --> site.yaml:7:16",
                "  = help: did you mean `active_ambassadors`? One of: active_ambassadors, members, members_per_community, posts_per_week, contributions_per_month, open_postings, upcoming_events, complete_profiles",
            ],
        ),
        (
            "objectives:\n  - id: a\n    title: A\n    indicatr: members\n    target: 3\n    by: 2027-01-01\n",
            &["error: unknown key `indicatr`", "  --> site.yaml:7:5"],
        ),
        (
            "objectives:\n  - id: a\n    title: A\n    indicator: members\n    community: makrs\n    target: 3\n    by: 2027-01-01\n",
            &[
                "error: objective names community `makrs`, which does not exist",
                "  --> site.yaml:8:16",
                "  = help: did you mean `makers`? Communities are the ids of data/communities",
            ],
        ),
        (
            "objectives:\n  - id: a\n    title: A\n    indicator: open_postings\n    theme: energy\n    target: 3\n    by: 2027-01-01\n",
            &[
                "error: indicator `open_postings` cannot be narrowed to a theme",
                "  --> site.yaml:8:12",
            ],
        ),
        (
            "objectives:\n  - id: a\n    title: A\n    indicator: members\n    target: 3\n    by: 2027-02-30\n",
            &["  --> site.yaml:9:9"],
        ),
        (
            "report:\n  wekks: 6\n",
            &["error: unknown key `wekks`", "  --> site.yaml:5:3"],
        ),
        (
            "report:\n  audience: insiders\n",
            &[
                "error: unknown audience `insiders`",
                "  --> site.yaml:5:13",
            ],
        ),
    ];
    for (yaml, expected) in cases {
        t.file("site.yaml", format!("{base}{yaml}"));
        for command in ["report", "build"] {
            let run = t.run_at(NOW, &[command, "."]);
            run.failure(1);
            for line in *expected {
                assert!(
                    run.stderr.lines().any(|l| l == *line),
                    "`parvis {command}` lacks {line:?} for\n{yaml}\n{}",
                    run.stderr
                );
            }
        }
    }
    t.file("site.yaml", format!("{base}report:\n  wekks: 6\n"));
    let run = t.run_at(NOW, &["report", "."]);
    assert!(
        run.stderr.contains("did you mean `weeks`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn report_usage_errors_exit_with_2() {
    let t = SiteTest::fixture("report");
    t.run_at(NOW, &["report", ".", "--audience", "nobody"])
        .failure(2)
        .stderr_has("unknown audience `nobody`");
    t.run_at(NOW, &["report", ".", "--format", "xml"])
        .failure(2);
}
