//! The portals of the example site, checked with real parsers: iCalendar files with an
//! iCalendar parser and a recurrence expander, JSON-LD as JSON with schema.org's properties.

use crate::site_test::SiteTest;

/// 2026-11-23T00:00:00Z: after the expired posting, before the events.
const NOW: i64 = 1_795_392_000;

fn example() -> SiteTest {
    let t = crate::example_site::example();
    t.build_at(NOW, &[]).success();
    t
}

fn json_ld(html: &str) -> serde_json::Value {
    let start = html
        .find("<script type=\"application/ld+json\">")
        .expect("JSON-LD in the page")
        + 35;
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).expect("JSON-LD parses")
}

fn ics_events(text: &str) -> Vec<ical::parser::ical::component::IcalEvent> {
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let cal = parser.next().expect("a calendar").expect("it parses");
    assert!(parser.next().is_none());
    cal.events
}

fn prop<'a>(e: &'a ical::parser::ical::component::IcalEvent, name: &str) -> Option<&'a str> {
    e.properties
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.value.as_deref())
}

#[test]
fn the_quarterly_user_club_expands_to_the_right_dates() {
    let t = example();
    let ics = t.read("events/user-club-q1/event.ics");
    assert!(
        ics.lines().all(|l| l.len() <= 76),
        "lines are folded at 75 octets"
    );
    assert!(ics.ends_with("END:VCALENDAR\r\n"), "CRLF line endings");
    let events = ics_events(&ics);
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(
        prop(e, "SUMMARY"),
        Some("Lumen Grid user club\\, quarterly meeting")
    );
    let start = prop(e, "DTSTART").unwrap();
    assert_eq!(
        start, "20270121T130000Z",
        "14:00 in Paris is 13:00 UTC in January"
    );
    let rule = prop(e, "RRULE").unwrap();
    let set: rrule::RRuleSet = format!("DTSTART:{start}\nRRULE:{rule}")
        .parse()
        .expect("valid recurrence");
    let dates: Vec<String> = set
        .all(10)
        .dates
        .iter()
        .map(|d| d.format("%Y-%m-%d").to_string())
        .collect();
    assert_eq!(
        dates,
        ["2027-01-21", "2027-04-21", "2027-07-21", "2027-10-21"]
    );

    let section = ics_events(&t.read("events/calendar.ics"));
    assert_eq!(section.len(), 2, "the section calendar holds both events");
}

#[test]
fn events_carry_event_json_ld() {
    let t = example();
    let club = json_ld(&t.read("events/user-club-q1/index.html"));
    assert_eq!(club["@type"], "Event");
    for key in [
        "name",
        "startDate",
        "endDate",
        "location",
        "eventAttendanceMode",
        "eventStatus",
        "organizer",
    ] {
        assert!(!club[key].is_null(), "Event lacks {key}");
    }
    assert_eq!(club["startDate"], "2027-01-21T14:00:00+01:00");
    assert_eq!(
        club["eventAttendanceMode"],
        "https://schema.org/MixedEventAttendanceMode"
    );
    let webinar = json_ld(&t.read("events/webinar-demand-response/index.html"));
    assert_eq!(webinar["location"]["@type"], "VirtualLocation");
    assert_eq!(
        webinar["eventAttendanceMode"],
        "https://schema.org/OnlineEventAttendanceMode"
    );
}

#[test]
fn job_postings_carry_job_posting_json_ld_and_close_when_expired() {
    let t = example();
    let job = json_ld(&t.read("careers/senior-rust-engineer/index.html"));
    assert_eq!(job["@type"], "JobPosting");
    for key in [
        "title",
        "description",
        "datePosted",
        "validThrough",
        "hiringOrganization",
        "jobLocation",
        "employmentType",
        "baseSalary",
        "directApply",
    ] {
        assert!(!job[key].is_null(), "JobPosting lacks {key}");
    }
    assert!(
        job["description"].as_str().unwrap().contains("<h2"),
        "description is HTML"
    );
    assert_eq!(job["baseSalary"]["value"]["minValue"], 65000.0);
    let intern = json_ld(&t.read("careers/data-analyst-intern/index.html"));
    assert_eq!(intern["jobLocationType"], "TELECOMMUTE");
    assert_eq!(intern["applicantLocationRequirements"][0]["name"], "Canada");

    let listing = t.read("careers/index.html");
    assert!(listing.contains("Senior Rust engineer"));
    assert!(
        !listing.contains("Data analyst intern"),
        "an expired posting leaves the listing"
    );
    let closed = t.read("careers/data-analyst-intern/index.html");
    assert!(closed.contains("This position is closed."));
    assert!(!closed.contains(">Apply</a>"));
    let open = t.read("careers/senior-rust-engineer/index.html");
    assert!(
        open.contains("Meet the team") && open.contains("Yanis Benali"),
        "contacts are shown"
    );
}

#[test]
fn blog_posts_carry_article_json_ld_and_author_links() {
    let t = example();
    let post = t.read("blog/forecasting-with-weather-data/index.html");
    let a = json_ld(&post);
    assert_eq!(a["@type"], "Article");
    assert_eq!(a["author"][0]["name"], "Ingrid Nilsen");
    assert_eq!(a["datePublished"], "2026-10-02");
    assert!(post.contains(r#"<a href="/members/ingrid-nilsen/">Ingrid Nilsen</a>"#));
    assert!(post.contains(r#"<meta property="og:type" content="article">"#));
}

#[test]
fn docs_have_a_sidebar_previous_next_and_an_edit_link() {
    let t = example();
    let page = t.read("docs/getting-started/first-dashboard/index.html");
    let nav = page
        .split("class=\"docs-nav\"")
        .nth(1)
        .unwrap()
        .split("</nav>")
        .next()
        .unwrap();
    assert!(
        nav.contains(r#"<a href="/docs/getting-started/first-dashboard/" aria-current="page">"#)
    );
    assert!(nav.contains("API reference") && nav.contains("Integrations"));
    assert!(page.contains(r#"<a rel="prev" href="/docs/getting-started/connect-meters/">"#));
    assert!(page.contains("https://git.example/lumengrid/community-portal/edit/main/content/docs/getting-started/first-dashboard.md"));
    assert!(
        page.contains("class=\"markdown-alert-tip\""),
        "GitHub-style callouts"
    );
    assert!(page.contains("class=\"callout callout-warning\""));
    let faq = t.read("docs/faq/index.html");
    assert!(faq.contains("<details class=\"faq\"><summary>Do you sell our data?</summary>"));
}

#[test]
fn video_embeds_load_nothing_until_clicked() {
    let t = example();
    let careers = t.read("careers/index.html");
    assert!(careers.contains("data-video-src=\"https://www.youtube-nocookie.com/embed/"));
    assert!(!careers.contains("<iframe"));
}

#[test]
fn faq_structured_data_only_when_switched_on() {
    let t = example();
    assert!(!t
        .read("docs/faq/index.html")
        .contains("application/ld+json"));
    let site = std::fs::read_to_string(t.root.join("site.yaml")).unwrap();
    t.file("site.yaml", format!("{site}faq_json_ld: true\n"));
    t.build_at(NOW, &[]).success();
    let faq = json_ld(&t.read("docs/faq/index.html"));
    assert_eq!(faq["@type"], "FAQPage");
    assert_eq!(faq["mainEntity"][0]["name"], "Do you sell our data?");
    assert_eq!(faq["mainEntity"][0]["acceptedAnswer"]["@type"], "Answer");
}

#[test]
fn event_and_job_mistakes_are_pointed_at() {
    // Each at its value under `extra`, not at `extra:`.
    let t = example();
    t.file(
        "content/events/bad.md",
        "---\ntitle: Bad\nextra:\n  start: 2027-01-01T10:00:00\n  timezone: Europe/Pariss\n---\n",
    );
    t.file(
        "content/careers/bad.md",
        "---\ntitle: Bad job\nextra:\n  remote: sometimes\n---\n",
    );
    let run = t.build_at(NOW, &[]);
    run.failure(1)
        .stderr_has("error: unknown time zone `Europe/Pariss`")
        .stderr_has("  --> content/events/bad.md:5:13")
        .stderr_has("error: `remote` is `sometimes`, which is not one of onsite, hybrid, remote")
        .stderr_has("error: a job posting needs `apply_url` or `apply_email`");
}

/// A visitor reads the rule and the salary in words, in the page's language, never the raw
/// `FREQ=MONTHLY;INTERVAL=3;COUNT=4` or `65000.0 EUR`; and no reading time on either.
#[test]
fn events_and_jobs_say_their_rule_and_salary_in_the_pages_language() {
    let t = example();
    let event = t.read("events/user-club-q1/index.html");
    assert!(
        event.contains("<dd>Every 3 months, 4 times</dd>"),
        "{event}"
    );
    assert!(!event.contains("FREQ="), "no raw rule on the page");
    assert!(
        event.contains("<li>21 April 2027, 14:00</li>"),
        "the next dates are listed"
    );
    assert!(!event.contains("min read"));
    let job = t.read("careers/senior-rust-engineer/index.html");
    assert!(job.contains("<dd>€65,000–€85,000 a year</dd>"), "{job}");
    let facts = &job[job.find("<dl class=\"facts\">").unwrap()..];
    let facts = &facts[..facts.find("</dl>").unwrap()];
    assert!(
        !facts.contains("65000"),
        "no raw number in the facts: {facts}"
    );
    assert!(!job.contains("min read"));

    // The same posting and event written in French.
    let fr = SiteTest::from_dir(&t.root);
    fr.file(
        "content/careers/poste.fr.md",
        "---\ntitle: Poste\nlang: fr\nextra:\n  team: Data\n  locations: [Lyon]\n  remote: hybrid\n  employment_type: FULL_TIME\n  salary: { currency: EUR, min: 65000, max: 85000, unit: YEAR }\n  valid_through: 2099-01-31\n  apply_url: https://example.com/apply\n---\nTexte.\n",
    )
    .file(
        "content/events/club.fr.md",
        "---\ntitle: Club\nlang: fr\nextra:\n  start: 2027-01-21T14:00:00\n  timezone: Europe/Paris\n  rrule: FREQ=MONTHLY;INTERVAL=3;COUNT=4\n---\nTexte.\n",
    );
    fr.build_at(NOW, &[]).success();
    let job = fr.read("fr/careers/poste/index.html");
    assert!(
        job.contains("<dd>65\u{202f}000 – 85\u{202f}000\u{a0}€ par an</dd>"),
        "{job}"
    );
    let event = fr.read("fr/events/club/index.html");
    assert!(
        event.contains("<dd>Tous les 3 mois, 4 fois</dd>"),
        "{event}"
    );
    assert!(event.contains("<li>21 avril 2027, 14:00</li>"), "{event}");
}

/// A community page shows each person once (managers, then ambassadors, then the others) and
/// counts active members as the dashboard does: alumni are listed apart, not counted.
#[test]
fn a_community_page_shows_each_person_once_and_counts_active_members() {
    let t = example();
    let page = t.read("communities/users/index.html");
    let cards: Vec<&str> = page
        .split("class=\"member-card")
        .skip(1)
        .map(|c| {
            let href = &c[c.find("href=\"").unwrap() + 6..];
            &href[..href.find('"').unwrap()]
        })
        .collect();
    let unique: std::collections::BTreeSet<_> = cards.iter().collect();
    assert_eq!(unique.len(), cards.len(), "someone shows twice: {cards:?}");
    assert!(
        page.contains("<p class=\"meta\">18 active members</p>"),
        "{page}"
    );
    assert_eq!(cards.len(), 18, "every active member shows once");
    let alumni = &page[page.find("id=\"alumni-title\"").expect("an alumni list")..];
    assert!(alumni.contains("<li><a href=\"/members/"), "{alumni}");
}
