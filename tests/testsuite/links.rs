//! Links: everything a portal links to, in bodies, data, site.yaml and templates, answers
//! something in the build of each audience; a link to nothing fails at the place it was written
//! with the nearest URL that exists.

use crate::site_test::SiteTest;

#[test]
fn a_root_absolute_link_to_nothing_fails_at_its_place_with_the_nearest_url() {
    let t = SiteTest::fixture("basic");
    t.file(
        "content/about.md",
        "---\ntitle: About us\nslug: about\n---\nRead [the first post](/blog/first-post/) and [this](/blog/frist-post/).\n",
    );
    t.build(&[])
        .failure(1)
        .stderr_has("error: link to `/blog/frist-post/`: the `public` build has no page or file at that URL")
        .stderr_has("--> content/about.md:5:46")
        // Found after the build let the sources go: the file is read again for its line.
        .stderr_has("5 | Read [the first post](/blog/first-post/) and [this](/blog/frist-post/).")
        .stderr_has("did you mean `/blog/first-post/`?");
    t.file(
        "content/about.md",
        "---\ntitle: About us\nslug: about\n---\nRead [the first post](/blog/first-post/#top).\n",
    );
    t.build(&[]).success();
}

#[test]
fn a_root_absolute_image_that_the_build_does_not_write_fails() {
    let t = SiteTest::fixture("basic");
    t.file(
        "content/about.md",
        "---\ntitle: About us\nslug: about\n---\n![logo](/images/extra.css)\n\n![missing](/images/missing.png)\n",
    );
    let run = t.build(&[]);
    run.failure(1)
        .stderr_has("error: link to `/images/missing.png`: the `public` build has no page or file at that URL")
        .stderr_has("--> content/about.md:7:1");
    assert!(
        !run.stderr.contains("link to `/images/extra.css`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_link_missing_its_language_folder_suggests_the_page_in_that_language() {
    let t = SiteTest::fixture("basic");
    t.file(
        "content/nouvelles.fr.md",
        "---\ntitle: Nouvelles\n---\nEn français.\n",
    );
    t.file(
        "content/about.md",
        "---\ntitle: About us\nslug: about\n---\nSee [the news](/nouvelles/).\n",
    );
    t.build(&[])
        .failure(1)
        .stderr_has("link to `/nouvelles/`")
        .stderr_has("did you mean `/fr/nouvelles/`?");
}

#[test]
fn a_root_absolute_link_to_a_page_of_a_narrower_circle_says_why() {
    let t = SiteTest::fixture("basic");
    t.file(
        "content/about.md",
        "---\ntitle: About us\nslug: about\n---\nSee [the roadmap](/blog/internal-post/).\n",
    );
    t.build(&["--audience", "internal"]).success();
    t.build(&["--audience", "public"])
        .failure(1)
        .stderr_has("link to `/blog/internal-post/`: that is content/blog/internal-post.md, only open to `internal`, and the `public` audience may not see it")
        .stderr_has("--> content/about.md:5:5");
}

#[test]
fn a_contribution_url_to_nothing_fails_at_its_value_in_the_member_file() {
    let t = SiteTest::fixture("community");
    t.file(
        "data/members/ada.yaml",
        std::fs::read_to_string(t.root.join("data/members/ada.yaml"))
            .unwrap()
            .replace(
                "title: An article }",
                "title: An article, url: /blog/ada-psot/ }",
            ),
    );
    t.build(&[])
        .failure(1)
        .stderr_has("error: link to `/blog/ada-psot/`")
        .stderr_has("--> data/members/ada.yaml:12:")
        .stderr_has("did you mean `/blog/ada-post/`?");
}

#[test]
fn member_links_may_name_pages_by_their_md_path() {
    let t = SiteTest::fixture("community");
    let ada = std::fs::read_to_string(t.root.join("data/members/ada.yaml")).unwrap();
    t.file(
        "data/members/ada.yaml",
        format!("{ada}links:\n  - {{ label: My post, url: blog/ada-post.md }}\n"),
    );
    t.build(&[]).success();
    assert!(t
        .read("members/ada/index.html")
        .contains(r#"href="/blog/ada-post/""#));
    t.file(
        "data/members/ada.yaml",
        format!("{ada}links:\n  - {{ label: My post, url: blog/ada-pots.md }}\n"),
    );
    t.build(&[])
        .failure(1)
        .stderr_has("error: link to `blog/ada-pots.md`: there is no page content/blog/ada-pots.md")
        .stderr_has("--> data/members/ada.yaml:17:28")
        .stderr_has("did you mean content/blog/ada-post.md?");
}

#[test]
fn a_menu_entry_to_nothing_fails_at_its_line_of_site_yaml() {
    let t = SiteTest::fixture("community");
    let config = std::fs::read_to_string(t.root.join("site.yaml")).unwrap();
    t.file(
        "site.yaml",
        format!("{config}menu:\n  - {{ title: Blog, url: /blog/ }}\n  - {{ title: Charter, url: charter.md }}\n  - {{ title: Events, url: /events/ }}\n"),
    );
    let run = t.build(&[]);
    run.failure(1)
        .stderr_has("error: link to `/events/`")
        .stderr_has("--> site.yaml:9:27");
    assert!(!run.stderr.contains("`/blog/`"), "{}", run.stderr);
    assert!(!run.stderr.contains("charter.md"), "{}", run.stderr);
}

#[test]
fn a_community_charter_that_is_no_page_fails_at_its_value() {
    let t = SiteTest::fixture("community");
    let communities = std::fs::read_to_string(t.root.join("data/communities.yaml")).unwrap();
    t.file(
        "data/communities.yaml",
        communities.replace("charter: charter.md", "charter: chartre.md"),
    );
    t.build(&[])
        .failure(1)
        .stderr_has("charter link to `chartre.md`: there is no page content/chartre.md")
        .stderr_has("--> data/communities.yaml:5:12")
        .stderr_has("did you mean content/charter.md?");
}

#[test]
fn a_template_link_to_nothing_fails_once_naming_the_template() {
    let t = SiteTest::fixture("basic");
    t.file(
        "templates/with-help.html",
        "{% extends \"page.html\" %}{% block content %}{{ super() }}<a href=\"/helpp/\">Help</a> <a href=\"/about/\">About</a>{% endblock content %}",
    );
    for name in ["first-post", "second-post"] {
        let path = t.root.join(format!("content/blog/{name}.md"));
        let text = std::fs::read_to_string(&path).unwrap();
        t.file(
            &format!("content/blog/{name}.md"),
            text.replacen("---\n", "---\ntemplate: with-help.html\n", 1),
        );
    }
    let run = t.build(&[]);
    run.failure(1)
        .stderr_has("template `with-help.html` writes a link to `/helpp/`: the `public` build has no page or file at that URL, on /blog/first-post/index.html (and on 1 other page)")
        .stderr_has("--> content/blog/first-post.md");
    assert_eq!(run.stderr.matches("`/helpp/`").count(), 1, "{}", run.stderr);
    assert!(!run.stderr.contains("`/about/`"), "{}", run.stderr);
}
