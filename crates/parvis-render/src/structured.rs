//! schema.org JSON-LD for search engines: Article for blog posts, Event for events, JobPosting
//! for job postings. Built as JSON values, never by pasting strings, and made safe to embed in
//! a `<script>` element.

use parvis_core::model::{Page, SectionKind, Site};
use serde_json::{json, Value};

/// The JSON-LD of page `i`, or `None` for kinds that have none.
pub fn json_ld(site: &Site, i: usize) -> Option<String> {
    let p = &site.pages[i];
    let main = match p.kind {
        SectionKind::Blog => Some(article(site, p)),
        SectionKind::Events => event(site, p),
        SectionKind::Careers => job(site, p),
        SectionKind::Page | SectionKind::Docs => None,
    };
    let faq = faq_page(site, p);
    let value = match (main, faq) {
        (Some(m), Some(f)) => json!([m, f]),
        (Some(v), None) | (None, Some(v)) => v,
        (None, None) => return None,
    };
    // `</script>` or `<!--` inside a string must not end the element: escape every `<`.
    Some(value.to_string().replace('<', "\\u003c"))
}

/// FAQPage from the page's `faq` shortcodes, when `faq_json_ld` is on in site.yaml.
fn faq_page(site: &Site, p: &Page) -> Option<Value> {
    let faqs = &p.rendered.as_ref()?.faqs;
    if !site.config.faq_json_ld || faqs.is_empty() {
        return None;
    }
    Some(json!({
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": faqs.iter().map(|(q, a)| json!({
            "@type": "Question",
            "name": q,
            "acceptedAnswer": { "@type": "Answer", "text": a },
        })).collect::<Vec<_>>(),
    }))
}

fn organization(site: &Site) -> Value {
    let name = site
        .config
        .extra
        .get("company")
        .and_then(Value::as_str)
        .unwrap_or(&site.config.title);
    json!({ "@type": "Organization", "name": name, "url": site.config.base_url })
}

fn people(site: &Site, p: &Page) -> Vec<Value> {
    p.front
        .authors
        .iter()
        .filter_map(|id| {
            let i = site.community.members.iter().position(|m| &m.id == id)?;
            let m = &site.community.members[i];
            site.member_visible[i].then(|| json!({ "@type": "Person", "name": m.name, "url": site.config.permalink(&m.url) }))
        })
        .collect()
}

fn article(site: &Site, p: &Page) -> Value {
    let mut v = json!({
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": p.title,
        "url": site.config.permalink(&p.url),
        "mainEntityOfPage": site.config.permalink(&p.url),
        "inLanguage": p.lang,
        "publisher": organization(site),
        "author": people(site, p),
    });
    if let Some(d) = p.date {
        v["datePublished"] = json!(d.iso());
        v["dateModified"] = json!(p.updated.unwrap_or(d).iso());
    }
    if let Some(d) = &p.front.description {
        v["description"] = json!(d);
    }
    // Where the image stage found the page's `image:`, as the page's cards show it.
    if let Some(img) = site.media.images.get(&p.url) {
        v["image"] = json!(if img.contains("://") {
            img.clone()
        } else {
            site.config.permalink(img)
        });
    }
    v
}

fn event(site: &Site, p: &Page) -> Option<Value> {
    let e = p.event.as_ref()?;
    let fmt = |z: &jiff::Zoned| z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string();
    let mut v = json!({
        "@context": "https://schema.org",
        "@type": "Event",
        "name": p.title,
        "url": site.config.permalink(&p.url),
        "startDate": fmt(&e.start),
        "eventAttendanceMode": format!("https://schema.org/{}", e.attendance_mode()),
        "eventStatus": format!("https://schema.org/{}", match e.status.as_str() {
            "cancelled" => "EventCancelled",
            "postponed" => "EventPostponed",
            "rescheduled" => "EventRescheduled",
            "moved-online" => "EventMovedOnline",
            _ => "EventScheduled",
        }),
        "organizer": organization(site),
    });
    if let Some(end) = &e.end {
        v["endDate"] = json!(fmt(end));
    }
    if let Some(d) = &p.front.description {
        v["description"] = json!(d);
    }
    let mut locations = Vec::new();
    if let Some(l) = &e.location {
        locations.push(json!({ "@type": "Place", "name": l, "address": l }));
    }
    if let Some(u) = &e.online_url {
        locations.push(json!({ "@type": "VirtualLocation", "url": u }));
    }
    v["location"] = if locations.len() == 1 {
        locations.remove(0)
    } else {
        json!(locations)
    };
    if let Some(r) = &e.registration_url {
        v["offers"] =
            json!({ "@type": "Offer", "url": r, "availability": "https://schema.org/InStock" });
    }
    Some(v)
}

fn job(site: &Site, p: &Page) -> Option<Value> {
    let j = p.job.as_ref()?;
    let html = p
        .rendered
        .as_ref()
        .map(|r| r.html.text())
        .unwrap_or_default();
    let mut v = json!({
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": p.title,
        "description": html,
        "url": site.config.permalink(&p.url),
        "hiringOrganization": organization(site),
        "employmentType": j.employment_type,
        "directApply": j.apply_url.is_some(),
    });
    if let Some(d) = p.date {
        v["datePosted"] = json!(d.day().to_string());
    }
    if let Some(d) = j.valid_through {
        v["validThrough"] = json!(format!("{}T23:59:59Z", d.day()));
    }
    if j.remote == "remote" {
        v["jobLocationType"] = json!("TELECOMMUTE");
        let countries: Vec<Value> = j
            .applicant_countries
            .iter()
            .map(|c| json!({ "@type": "Country", "name": c }))
            .collect();
        if !countries.is_empty() {
            v["applicantLocationRequirements"] = json!(countries);
        }
    }
    if j.remote != "remote" || !j.locations.is_empty() {
        v["jobLocation"] = json!(j
            .locations
            .iter()
            .map(|l| json!({ "@type": "Place", "address": { "@type": "PostalAddress", "addressLocality": l } }))
            .collect::<Vec<_>>());
    }
    if let Some(s) = &j.salary {
        let mut value = json!({ "@type": "QuantitativeValue", "unitText": s.unit });
        if let Some(min) = s.min {
            value["minValue"] = json!(min);
        }
        if let Some(max) = s.max {
            value["maxValue"] = json!(max);
        }
        v["baseSalary"] =
            json!({ "@type": "MonetaryAmount", "currency": s.currency, "value": value });
    }
    if let Some(team) = &j.team {
        v["industry"] = json!(team);
    }
    Some(v)
}
