//! One context builder per output kind: each fills the variables its templates read and
//! returns what the output is (language, URL, kind, and a description for messages).
//! [`crate::context`] (the shared part: `lang`, `t`, `home_url`, feeds…) calls the one for its
//! job. `serve`'s diff (`parvis_site::incremental`) must say an output may change whenever an
//! input one of these reads changed: keep the two side by side when adding a variable.

use super::community::CommunityView;
use super::context::{self, Lookups, Paginator};
use super::from_community::{self, FeedEntryCtx};
use super::{i18n, pages_of, recent, structured, Vars};
use parvis_core::model::community::{MemberStatus, Role};
use parvis_core::model::{SectionKind, Site};
use std::collections::BTreeMap;

/// What every builder reads from: the filtered site, the translated strings, and the views
/// made once per build.
#[derive(Clone, Copy)]
pub(crate) struct Inputs<'a, 's> {
    pub site: &'s Site,
    pub strings: &'a BTreeMap<String, i18n::Strings>,
    pub look: &'a Lookups<'s>,
    pub view: &'a CommunityView<'s>,
}

/// Language, URL, kind of output (`page`, `section`, `home`…) and what it is, for messages.
pub(crate) type Identity<'s> = (&'s str, String, &'static str, String);

/// The variables of a page.
pub(crate) fn page<'s, V: Vars>(x: &Inputs<'_, 's>, ctx: &mut V, i: &usize) -> Identity<'s> {
    let site = x.site;
    let look = x.look;
    let view = x.view;
    let p = &site.pages[*i];
    let mut page = look.page(*i);
    if !V::FULL {
        page.content = std::borrow::Cow::Borrowed("");
        page.summary = None;
        page.toc = &[];
        ctx.insert("body", &p.rendered.as_ref().map(|r| r.fingerprint));
    }
    ctx.insert("page", &page);
    ctx.insert("json_ld", &structured::json_ld(site, *i));
    let authors: Vec<_> = p
        .front
        .authors
        .iter()
        .filter_map(|id| view.members.iter().find(|m| &m.id == id))
        .collect();
    ctx.insert("authors", &authors);
    if p.job.is_some() {
        let contacts: Vec<_> = parvis_core::model::contacts(p)
            .into_iter()
            .filter_map(|id| view.members.iter().find(|m| m.id == id))
            .collect();
        ctx.insert("contacts", &contacts);
    }
    ctx.insert(
        "section",
        &look.section(site.visible_section(p.section), &[]),
    );
    (
        p.lang.as_str(),
        p.url.clone(),
        "page",
        p.source.display.display().to_string(),
    )
}

/// The variables of one page of a section list (the home page included).
pub(crate) fn section<'s, V: Vars>(
    x: &Inputs<'_, 's>,
    ctx: &mut V,
    i: &usize,
    n: &usize,
) -> Identity<'s> {
    let site = x.site;
    let config = &x.site.config;
    let look = x.look;
    let strings = x.strings;
    let s = &site.sections[*i];
    let is_home = s.dir.as_os_str().is_empty();
    let per = s.paginate_by.max(1);
    let chunk: Vec<usize> = s
        .pages
        .iter()
        .copied()
        .skip((n - 1) * per)
        .take(per)
        .collect();
    let total = pages_of(s.pages.len(), per);
    ctx.insert("section", &look.section(*i, &chunk));
    if s.kind == SectionKind::Careers {
        let t = strings
            .get(&s.lang)
            .or_else(|| strings.get(&config.language));
        let label = |prefix: &str, v: &str| -> String {
            t.and_then(|t| t.get(&format!("{prefix}{v}")))
                .cloned()
                .unwrap_or_else(|| v.to_string())
        };
        let jobs: Vec<&parvis_core::model::kinds::Job> = s
            .pages
            .iter()
            .filter_map(|&p| site.pages[p].job.as_deref())
            .collect();
        let values = |f: &dyn Fn(&parvis_core::model::kinds::Job) -> Vec<String>, prefix: &str| {
            let set: std::collections::BTreeSet<String> = jobs.iter().flat_map(|j| f(j)).collect();
            set.into_iter()
                .map(|v| serde_json::json!({ "value": v, "label": label(prefix, &v) }))
                .collect::<Vec<_>>()
        };
        ctx.insert(
            "job_filters",
            &serde_json::json!([
                { "name": "team", "values": values(&|j| j.team.clone().into_iter().collect(), "") },
                { "name": "location", "values": values(&|j| j.locations.clone(), "") },
                { "name": "remote", "values": values(&|j| vec![j.remote.clone()], "remote_") },
                { "name": "contract", "values": values(&|j| vec![j.employment_type.clone()], "employment_") },
            ]),
        );
    }
    if s.kind == SectionKind::Events {
        let (upcoming, past): (Vec<usize>, Vec<usize>) = s.pages.iter().partition(|&&p| {
            site.pages[p]
                .event
                .as_ref()
                .is_some_and(|e| e.end.as_ref().unwrap_or(&e.start).timestamp() >= site.now)
        });
        let mut upcoming = upcoming;
        upcoming.reverse();
        ctx.insert(
            "upcoming",
            &upcoming
                .iter()
                .map(|&p| look.summary(p))
                .collect::<Vec<_>>(),
        );
        ctx.insert(
            "past",
            &past.iter().map(|&p| look.summary(p)).collect::<Vec<_>>(),
        );
    }
    ctx.insert("paginator", &Paginator::new(&s.url, *n, total));
    if is_home {
        ctx.insert("recent", &recent(site, look, &s.lang));
    }
    let origin = s
        .source
        .as_ref()
        .map(|src| src.display.display().to_string())
        .unwrap_or_else(|| "the home page".into());
    (
        s.lang.as_str(),
        context::pager_url(&s.url, *n),
        if is_home { "home" } else { "section" },
        origin,
    )
}

/// The variables of the list of a taxonomy's terms.
pub(crate) fn taxonomy_list<'s, V: Vars>(
    x: &Inputs<'_, 's>,
    ctx: &mut V,
    t: &usize,
) -> Identity<'s> {
    let site = x.site;
    let tax = &site.taxonomies[*t];
    ctx.insert("taxonomy", &context::taxonomy_refs(site)[*t]);
    let terms: Vec<_> = tax
        .terms
        .iter()
        .map(|term| {
            serde_json::json!({
                "name": term.name, "slug": term.slug, "url": term.url,
                "page_count": term.pages.len(),
            })
        })
        .collect();
    ctx.insert("terms", &terms);
    (
        tax.lang.as_str(),
        tax.url.clone(),
        "taxonomy_list",
        format!("the {} page", tax.name),
    )
}

/// The variables of one page of a taxonomy term's list.
pub(crate) fn taxonomy_term<'s, V: Vars>(
    x: &Inputs<'_, 's>,
    ctx: &mut V,
    t: &usize,
    k: &usize,
    n: &usize,
) -> Identity<'s> {
    let site = x.site;
    let config = &x.site.config;
    let look = x.look;
    let tax = &site.taxonomies[*t];
    let term = &tax.terms[*k];
    let per = config.paginate_by.max(1);
    let pages: Vec<_> = term
        .pages
        .iter()
        .skip((n - 1) * per)
        .take(per)
        .map(|&p| look.summary(p))
        .collect();
    ctx.insert("taxonomy", &context::taxonomy_refs(site)[*t]);
    ctx.insert(
        "term",
        &serde_json::json!({
            "name": term.name, "slug": term.slug, "url": term.url,
            "page_count": term.pages.len(), "pages": pages,
        }),
    );
    ctx.insert(
        "paginator",
        &Paginator::new(&term.url, *n, pages_of(term.pages.len(), per)),
    );
    (
        tax.lang.as_str(),
        context::pager_url(&term.url, *n),
        "taxonomy_term",
        format!("the {} page `{}`", tax.name, term.name),
    )
}

/// The variables of the 404 page.
pub(crate) fn not_found<'s, V: Vars>(x: &Inputs<'_, 's>, _ctx: &mut V) -> Identity<'s> {
    let config = &x.site.config;
    (
        config.language.as_str(),
        format!("{}404.html", config.root),
        "404",
        "the 404 page".into(),
    )
}

/// The variables of the members directory.
pub(crate) fn members<'s, V: Vars>(x: &Inputs<'_, 's>, ctx: &mut V) -> Identity<'s> {
    let config = &x.site.config;
    let view = x.view;
    let (active, alumni): (Vec<_>, Vec<_>) = view
        .members
        .iter()
        .partition(|m| m.status == MemberStatus::Active);
    ctx.insert("members", &active);
    ctx.insert("alumni", &alumni);
    let values = |f: &dyn Fn(&super::community::MemberCtx) -> Vec<String>| -> Vec<String> {
        let set: std::collections::BTreeSet<String> = view.members.iter().flat_map(f).collect();
        set.into_iter().collect()
    };
    // Sorted as words, as the filter lists them.
    ctx.insert(
        "roles",
        &values(&|m| m.roles.iter().map(Role::to_string).collect()),
    );
    ctx.insert("expertise", &values(&|m| m.expertise.clone()));
    ctx.insert(
        "countries",
        &values(&|m| m.country.clone().into_iter().collect()),
    );
    ctx.insert("languages", &values(&|m| m.languages.clone()));
    (
        config.language.as_str(),
        format!("{}members/", config.root),
        "members",
        "the members directory".into(),
    )
}

/// The variables of a member's profile.
pub(crate) fn member<'s, V: Vars>(x: &Inputs<'_, 's>, ctx: &mut V, i: &usize) -> Identity<'s> {
    let site = x.site;
    let config = &x.site.config;
    let look = x.look;
    let view = x.view;
    let m = &site.community.members[*i];
    let member = view
        .members
        .iter()
        .find(|c| c.id == m.id)
        .expect("visible member");
    ctx.insert("member", member);
    ctx.insert("posts", &view.posts_by(look, &m.id));
    let own: Vec<&FeedEntryCtx> = view
        .feed_entries
        .iter()
        .filter(|e| e.source_kind == "member" && e.source.id == m.id)
        .collect();
    ctx.insert("feed_entries", &own);
    ctx.insert("jobs", &view.jobs_with(look, &m.id));
    (
        config.language.as_str(),
        m.url.clone(),
        "member",
        m.file.display().to_string(),
    )
}

/// The variables of the search page.
pub(crate) fn search<'s, V: Vars>(x: &Inputs<'_, 's>, _ctx: &mut V) -> Identity<'s> {
    let config = &x.site.config;
    (
        config.language.as_str(),
        format!("{}search/", config.root),
        "search",
        "the search page".into(),
    )
}

/// The variables of the communities page.
pub(crate) fn communities<'s, V: Vars>(x: &Inputs<'_, 's>, _ctx: &mut V) -> Identity<'s> {
    let config = &x.site.config;
    (
        config.language.as_str(),
        format!("{}communities/", config.root),
        "communities",
        "the communities page".into(),
    )
}

/// The variables of a community's page.
pub(crate) fn community<'s, V: Vars>(x: &Inputs<'_, 's>, ctx: &mut V, i: &usize) -> Identity<'s> {
    let site = x.site;
    let config = &x.site.config;
    let look = x.look;
    let view = x.view;
    let c = &site.community.communities[*i];
    let cc = view
        .communities
        .iter()
        .find(|x| x.id == c.id)
        .expect("visible community");
    ctx.insert("community_page", cc);
    let filter = from_community::Filter::Community(*i);
    let entries: Vec<&FeedEntryCtx> = view
        .feed_entries
        .iter()
        .filter(|e| from_community::matches(site, e, &filter))
        .take(10)
        .collect();
    ctx.insert("feed_entries", &entries);
    ctx.insert(
        "feed_entries_url",
        &(!entries.is_empty()).then(|| from_community::filter_url(site, &filter)),
    );
    ctx.insert("posts", &view.pages_of(look, cc, SectionKind::Blog, 5));
    let now = site.now;
    let mut events = view.pages_of(look, cc, SectionKind::Events, 50);
    events.retain(|e| {
        e.date
            .as_deref()
            .and_then(|d| parvis_core::date::DateValue::parse(d).ok())
            .is_some_and(|d| d.timestamp() >= now)
    });
    events.reverse();
    ctx.insert("events", &events);
    (
        config.language.as_str(),
        c.url.clone(),
        "community",
        c.file.display().to_string(),
    )
}

/// The variables of an ambassadors page (the site's or a community's).
pub(crate) fn ambassadors<'s, V: Vars>(
    x: &Inputs<'_, 's>,
    ctx: &mut V,
    c: &Option<usize>,
) -> Identity<'s> {
    let site = x.site;
    let config = &x.site.config;
    let view = x.view;
    let scope = c.map(|i| &site.community.communities[i]);
    let (ambassadors, candidates) = view.ambassadors(scope.map(|c| c.id.as_str()));
    ctx.insert(
        "scope",
        &scope.and_then(|c| view.communities.iter().find(|x| x.id == c.id)),
    );
    ctx.insert("ambassadors", &ambassadors);
    ctx.insert("candidates", &candidates);
    let url = scope.map_or_else(
        || format!("{}ambassadors/", config.root),
        |c| format!("{}ambassadors/", c.url),
    );
    (
        config.language.as_str(),
        url,
        "ambassadors",
        "the ambassadors page".into(),
    )
}

/// The variables of a leaderboard (the site's or a community's).
pub(crate) fn leaderboard<'s, V: Vars>(
    x: &Inputs<'_, 's>,
    ctx: &mut V,
    c: &Option<usize>,
) -> Identity<'s> {
    let site = x.site;
    let config = &x.site.config;
    let view = x.view;
    let scope = c.map(|i| &site.community.communities[i]);
    ctx.insert(
        "scope",
        &scope.and_then(|c| view.communities.iter().find(|x| x.id == c.id)),
    );
    ctx.insert("ranking", &view.leaderboard(scope.map(|c| c.id.as_str())));
    let url = scope.map_or_else(
        || format!("{}leaderboard/", config.root),
        |c| format!("{}leaderboard/", c.url),
    );
    (
        config.language.as_str(),
        url,
        "leaderboard",
        "the leaderboard".into(),
    )
}

/// The variables of the community manager's dashboard.
pub(crate) fn dashboard<'s, V: Vars>(x: &Inputs<'_, 's>, ctx: &mut V) -> Identity<'s> {
    let site = x.site;
    let config = &x.site.config;
    let strings = x.strings;
    let report = parvis_report::measure(site);
    let t = strings.get(&config.language);
    let label = |key: &str| {
        t.and_then(|t| t.get(key))
            .cloned()
            .unwrap_or_else(|| key.to_string())
    };
    ctx.insert("charts", &parvis_report::svg::charts(&report, &label));
    ctx.insert("report", &report);
    let url = parvis_report::dashboard_url(site).unwrap_or_default();
    ctx.insert("calendar_ics", &format!("{url}calendar.ics"));
    (
        config.language.as_str(),
        url,
        "dashboard",
        "the dashboard".into(),
    )
}

/// The variables of a "From the community" page: its entries, the filters (one page per
/// community and per theme), and its feeds.
pub(crate) fn from_community<'s, V: Vars>(
    x: &Inputs<'_, 's>,
    ctx: &mut V,
    filter: &from_community::Filter,
) -> Identity<'s> {
    let site = x.site;
    let config = &site.config;
    let all = &x.view.feed_entries;
    let entries: Vec<&FeedEntryCtx> = all
        .iter()
        .filter(|e| from_community::matches(site, e, filter))
        .collect();
    ctx.insert("entries", &entries);
    ctx.insert("filters", &from_community::filter_list(site, all, filter));
    let (kind, name) = match filter {
        from_community::Filter::All => ("all", None),
        from_community::Filter::Community(i) => (
            "community",
            Some(site.community.communities[*i].name.clone()),
        ),
        from_community::Filter::Theme(t) => ("theme", Some(t.clone())),
    };
    ctx.insert("filter_kind", kind);
    ctx.insert("filter_name", &name);
    let base = from_community::filter_url(site, &from_community::Filter::All);
    ctx.insert("all_url", &base);
    ctx.insert("rss_url", &format!("{base}rss.xml"));
    ctx.insert("atom_url", &format!("{base}atom.xml"));
    (
        config.language.as_str(),
        from_community::filter_url(site, filter),
        "from_the_community",
        "the \"From the community\" page".into(),
    )
}
