//! `parvis search` rankings on the example site, kept as a snapshot so that a change in
//! ranking (analysis, scoring, what gets indexed) shows as a reviewable diff without a
//! browser. The same queries and answers feed the browser test, which checks that the
//! JavaScript client ranks exactly as the CLI does.

use crate::site_test::SiteTest;
use std::path::PathBuf;

/// "Now" for the example site: the expired posting is closed, the events are upcoming.
pub const EXAMPLE_NOW: i64 = 1_795_392_000;

/// Queries both the CLI and the browser must rank the same way: French and English, accents
/// and none, plurals, typos, prefixes, several words, names.
pub const QUERIES: &[&str] = &[
    "communaute",
    "communauté",
    "ambassadeurs",
    "ambasador",
    "rust guide",
    "comm",
    "energy",
    "forecast api",
    "dashboard",
    "user club",
    "weather data",
    "charter",
    "postgresql",
    "kafka",
    "lyon",
    "webinar",
    "intern",
    "first dashboard",
    "remote",
    "tableau de bord",
    "economies energie",
    "sobriete",
    "meter readings",
    "ambassadors programme",
    "changelog",
    "sofia",
    "heat pumps",
    "dashbord",
];

/// One query's top 10 from `parvis search --json`: URL and score, best first.
pub struct Ranking {
    pub query: &'static str,
    pub results: Vec<(String, f64)>,
}

/// The example site, built at [`EXAMPLE_NOW`].
pub fn example_site() -> SiteTest {
    let example = crate::example_site::example();
    example.build_at(EXAMPLE_NOW, &[]).success();
    example
}

/// Runs `parvis search --json --limit 10` for each of [`QUERIES`] on the built `site`.
pub fn rankings(site: &SiteTest) -> Vec<Ranking> {
    QUERIES
        .iter()
        .map(|&query| {
            let out = crate::site_test::parvis()
                .args(["search", query, "--json", "--limit", "10", "--site"])
                .arg(&site.root)
                .output()
                .expect("run parvis search");
            assert!(
                out.status.success(),
                "parvis search {query}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
            assert!(
                v["index"].as_str().unwrap().ends_with("search"),
                "reads the built index: {}",
                v["index"]
            );
            let results = v["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    let url = r["url"].as_str().expect("a result has a URL").to_string();
                    (url, r["score"].as_f64().expect("a result has a score"))
                })
                .collect();
            Ranking { query, results }
        })
        .collect()
}

/// Writes the CLI's answers (URL and score of the top 10) as JSON for the browser test to
/// compare, and returns the file's path.
pub fn expectations_file(site: &SiteTest) -> PathBuf {
    let all: Vec<serde_json::Value> = rankings(site)
        .into_iter()
        .map(|r| {
            let results: Vec<_> = r
                .results
                .into_iter()
                .map(|(url, score)| serde_json::json!([url, score]))
                .collect();
            serde_json::json!({ "query": r.query, "results": results })
        })
        .collect();
    let path = site.root.join("search-expected.json");
    std::fs::write(&path, serde_json::to_string_pretty(&all).unwrap()).unwrap();
    path
}

/// The rankings as text a reviewer reads: each query, then its results in order with their
/// scores (to three decimals: enough to see a reordering coming, not float noise).
fn as_text(rankings: &[Ranking]) -> String {
    let mut out = String::new();
    for r in rankings {
        out.push_str(&format!("{}\n", r.query));
        if r.results.is_empty() {
            out.push_str("  (nothing)\n");
        }
        for (i, (url, score)) in r.results.iter().enumerate() {
            out.push_str(&format!("  {:>2}. {url}  {score:.3}\n", i + 1));
        }
    }
    out
}

#[test]
fn search_rankings_on_the_example_site() {
    let site = example_site();
    let rankings = rankings(&site);
    let with_results = rankings.iter().filter(|r| !r.results.is_empty()).count();
    assert!(
        with_results >= 22,
        "most queries find something ({with_results} of {})",
        rankings.len()
    );
    insta::assert_snapshot!(as_text(&rankings));
}
