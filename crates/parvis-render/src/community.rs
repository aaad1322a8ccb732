//! What templates see of the community: members, communities, badges, ambassadors and
//! leaderboards, filtered for the build's audience. Private fields are decided here, once:
//! emails only when a member opted in (and reversed against scrapers), leader scores only for
//! audiences inside `community.private_audience`.

use super::context::{Lookups, PageSummary};
use crate::from_community::FeedEntryCtx;
use parvis_core::model::community::{Community, Member, MemberStatus, Role};
use parvis_core::model::{SectionKind, Site};
use serde::Serialize;

pub use crate::refs::Ref;

#[derive(Serialize, Clone)]
pub struct BadgeCtx {
    pub id: String,
    pub name: String,
    pub icon: Option<String>,
    pub description: Option<String>,
}

impl From<&parvis_core::model::community::Badge> for BadgeCtx {
    fn from(b: &parvis_core::model::community::Badge) -> Self {
        BadgeCtx {
            id: b.id.clone(),
            name: b.name.clone(),
            icon: b.icon.clone(),
            description: b.description.clone(),
        }
    }
}

#[derive(Serialize, Clone)]
pub struct ContributionCtx {
    pub date: String,
    pub date_display: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub url: Option<String>,
    pub points: u32,
}

#[derive(Serialize, Clone)]
pub struct ScoresCtx {
    pub charisma: u8,
    pub known: u8,
    pub recognized: u8,
    pub available: u8,
    pub total: u8,
    pub candidate: bool,
}

#[derive(Serialize, Clone)]
pub struct LinkCtx {
    pub label: String,
    pub url: String,
}

/// A member as templates see it.
#[derive(Serialize, Clone)]
pub struct MemberCtx {
    pub id: String,
    pub name: String,
    pub url: String,
    pub pronouns: Option<String>,
    pub photo: Option<String>,
    /// The photo as square avatars (two sizes), when it could be processed.
    pub avatar: Option<parvis_core::model::media::Picture>,
    /// Up to two letters, for the generated avatar.
    pub initials: String,
    /// A hue (0-359) derived from the id, so a member's avatar keeps its colour.
    pub avatar_hue: u32,
    pub headline: Option<String>,
    pub company: Option<String>,
    pub team: Option<String>,
    pub location: Option<String>,
    pub country: Option<String>,
    pub languages: Vec<String>,
    pub expertise: Vec<String>,
    pub communities: Vec<Ref>,
    pub roles: Vec<Role>,
    pub status: MemberStatus,
    pub joined: Option<String>,
    pub joined_display: Option<String>,
    /// Sanitised HTML.
    pub bio: Option<String>,
    pub links: Vec<LinkCtx>,
    /// Contributions written in the member's file; those counted from their feeds are the
    /// `feed_entries` of the member page.
    pub contributions: Vec<ContributionCtx>,
    pub badges: Vec<BadgeCtx>,
    pub points: u32,
    /// The address written backwards (shown the right way round by CSS), only when the member
    /// opted in; never the plain address.
    pub email_reversed: Option<String>,
    /// Only for audiences that may see them.
    pub leader_scores: Option<ScoresCtx>,
    /// The team's private notes (sanitised HTML), only for audiences that may see them.
    pub notes: Option<String>,
}

#[derive(Serialize, Clone)]
pub struct CommunityCtx {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub url: String,
    pub description: Option<String>,
    pub charter: Option<Ref>,
    pub themes: Vec<String>,
    pub managers: Vec<MemberCtx>,
    pub ambassadors: Vec<MemberCtx>,
    pub members: Vec<MemberCtx>,
    /// Active ambassadors who are not managers, for a page that shows the managers above.
    pub ambassadors_besides_managers: Vec<MemberCtx>,
    /// Active members who are neither managers nor ambassadors: each person shows once.
    pub others: Vec<MemberCtx>,
    pub alumni: Vec<MemberCtx>,
    /// Active members, as the dashboard counts them (alumni left).
    pub member_count: usize,
    pub ambassadors_url: String,
    pub leaderboard_url: String,
}

/// The `community` variable every template can read.
#[derive(Serialize)]
pub struct CommunityGlobal {
    pub members: Vec<MemberCtx>,
    pub communities: Vec<CommunityCtx>,
    pub badges: Vec<BadgeCtx>,
    pub members_url: String,
    pub communities_url: String,
    pub ambassadors_url: String,
    pub leaderboard_url: String,
    /// Whether leader scores are shown in this build.
    pub shows_private: bool,
    /// What members and communities published in their own feeds, newest first (for the
    /// home block: `community.feed_entries | slice(end=5)`).
    pub feed_entries: Vec<FeedEntryCtx>,
    /// The "From the community" page, when this build shows any entry.
    pub feed_entries_url: Option<String>,
}

pub struct CommunityView<'a> {
    site: &'a Site,
    pub members: Vec<MemberCtx>,
    pub communities: Vec<CommunityCtx>,
    /// The entries of members' and communities' feeds this build shows.
    pub feed_entries: Vec<FeedEntryCtx>,
}

fn initials(name: &str) -> String {
    let words: Vec<&str> = name
        .split_whitespace()
        .filter(|w| w.chars().next().is_some_and(char::is_alphanumeric))
        .collect();
    let pick = match words.as_slice() {
        [] => vec![],
        [one] => vec![*one],
        [first, .., last] => vec![*first, *last],
    };
    pick.iter()
        .filter_map(|w| w.chars().next())
        .flat_map(char::to_uppercase)
        .collect()
}

fn hue(id: &str) -> u32 {
    // FNV-1a: stable across builds and platforms.
    let mut h: u32 = 0x811c_9dc5;
    for b in id.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h % 360
}

impl<'a> CommunityView<'a> {
    /// The community as the filtered `site`'s audience sees it.
    pub fn new(site: &'a Site) -> CommunityView<'a> {
        let mut view = CommunityView {
            site,
            members: Vec::new(),
            communities: Vec::new(),
            feed_entries: crate::from_community::entries(site),
        };
        view.members = site
            .community
            .members
            .iter()
            .enumerate()
            .filter(|(i, _)| site.member_visible[*i])
            .map(|(_, m)| view.member(m))
            .collect();
        view.communities = site
            .community
            .communities
            .iter()
            .enumerate()
            .filter(|(i, _)| site.community_visible[*i])
            .map(|(_, c)| view.community(c))
            .collect();
        view
    }

    fn visible_community(&self, id: &str) -> Option<&'a Community> {
        let c = &self.site.community;
        c.communities
            .iter()
            .position(|x| x.id == id)
            .filter(|&i| self.site.community_visible[i])
            .map(|i| &c.communities[i])
    }

    fn member(&self, m: &Member) -> MemberCtx {
        let config = &self.site.config;
        let avatar = self.site.media.avatars.get(&m.id).cloned();
        let lang = &config.language;
        MemberCtx {
            id: m.id.clone(),
            name: m.name.clone(),
            url: m.url.clone(),
            pronouns: m.pronouns.clone(),
            // Only the processed avatar is shown: the photo as uploaded may be huge, or an SVG.
            photo: avatar.as_ref().map(|a| a.small.clone()),
            avatar,
            initials: initials(&m.name),
            avatar_hue: hue(&m.id),
            headline: m.headline.clone(),
            company: m.company.clone(),
            team: m.team.clone(),
            location: m.location.clone(),
            country: m.country.clone(),
            languages: m.languages.clone(),
            expertise: m.expertise.clone(),
            communities: m
                .communities
                .iter()
                .filter_map(|id| self.visible_community(id))
                .map(|c| Ref {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    url: c.url.clone(),
                })
                .collect(),
            roles: m.roles.clone(),
            status: m.status,
            joined: m.joined.map(|d| d.iso()),
            joined_display: m.joined.map(|d| d.display(lang)),
            bio: m.bio_html.clone(),
            links: m
                .links
                .iter()
                .map(|l| LinkCtx {
                    label: l.label.clone(),
                    url: l.url.clone(),
                })
                .collect(),
            // Posts from the member's feeds count in points, but show once: as the cards of
            // `feed_entries`, with their summary, not again as lines of this timeline.
            contributions: m
                .contributions
                .iter()
                .filter(|c| !c.from_feed)
                .map(|c| ContributionCtx {
                    date: c.date.iso(),
                    date_display: c.date.display(lang),
                    kind: c.kind.clone(),
                    title: c.title.clone(),
                    url: c.url.clone(),
                    points: c.points,
                })
                .collect(),
            badges: m
                .badges
                .iter()
                .filter_map(|id| self.site.community.badges.iter().find(|b| &b.id == id))
                .map(BadgeCtx::from)
                .collect(),
            points: m.points,
            email_reversed: m
                .email
                .as_ref()
                .filter(|_| m.email_public)
                .map(|e| e.chars().rev().collect()),
            notes: m
                .notes_html
                .clone()
                .filter(|_| config.sees_private(&self.site.audience)),
            leader_scores: m
                .leader_scores
                .filter(|_| config.sees_private(&self.site.audience))
                .map(|s| ScoresCtx {
                    charisma: s.charisma,
                    known: s.known,
                    recognized: s.recognized,
                    available: s.available,
                    total: s.total(),
                    candidate: s.is_candidate(),
                }),
        }
    }

    fn by_ids(&self, ids: &[String]) -> Vec<MemberCtx> {
        ids.iter()
            .filter_map(|id| self.members.iter().find(|m| &m.id == id))
            .cloned()
            .collect()
    }

    fn community(&self, c: &Community) -> CommunityCtx {
        let members: Vec<MemberCtx> = self
            .members
            .iter()
            .filter(|m| m.communities.iter().any(|r| r.id == c.id))
            .cloned()
            .collect();
        let charter = c.charter.as_ref().and_then(|path| {
            self.site
                .visible_pages()
                .find(|(_, p)| &p.source.rel == path)
                .map(|(_, p)| Ref {
                    id: parvis_core::load::slash_path(path),
                    name: p.title.clone(),
                    url: p.url.clone(),
                })
        });
        let active = |m: &&MemberCtx| m.status != MemberStatus::Alumni;
        let ambassadors: Vec<MemberCtx> = members
            .iter()
            .filter(active)
            .filter(|m| m.roles.contains(&Role::Ambassador))
            .cloned()
            .collect();
        let ambassadors_besides_managers = ambassadors
            .iter()
            .filter(|m| !c.managers.contains(&m.id))
            .cloned()
            .collect();
        let shown_above =
            |m: &&MemberCtx| c.managers.contains(&m.id) || ambassadors.iter().any(|a| a.id == m.id);
        let others = members
            .iter()
            .filter(active)
            .filter(|m| !shown_above(m))
            .cloned()
            .collect();
        let alumni = members.iter().filter(|m| !active(m)).cloned().collect();
        CommunityCtx {
            id: c.id.clone(),
            name: c.name.clone(),
            kind: c.kind.clone(),
            url: c.url.clone(),
            description: c.description.clone(),
            charter,
            themes: c.themes.clone(),
            managers: self.by_ids(&c.managers),
            ambassadors,
            ambassadors_besides_managers,
            member_count: members.iter().filter(active).count(),
            others,
            alumni,
            members,
            ambassadors_url: format!("{}ambassadors/", c.url),
            leaderboard_url: format!("{}leaderboard/", c.url),
        }
    }

    pub fn global(&self) -> CommunityGlobal {
        let root = &self.site.config.root;
        CommunityGlobal {
            members: self.members.clone(),
            communities: self.communities.clone(),
            badges: self
                .site
                .community
                .badges
                .iter()
                .map(BadgeCtx::from)
                .collect(),
            members_url: format!("{root}members/"),
            communities_url: format!("{root}communities/"),
            ambassadors_url: format!("{root}ambassadors/"),
            leaderboard_url: format!("{root}leaderboard/"),
            shows_private: self.site.config.sees_private(&self.site.audience),
            feed_entries: self.feed_entries.clone(),
            feed_entries_url: crate::from_community::url(self.site, &self.feed_entries),
        }
    }

    /// Ranked members for a leaderboard: active, opted in, with points; of one community or all.
    pub fn leaderboard(&self, community: Option<&str>) -> Vec<MemberCtx> {
        let mut list: Vec<(&Member, &MemberCtx)> = self
            .site
            .community
            .members
            .iter()
            .filter_map(|m| self.members.iter().find(|c| c.id == m.id).map(|c| (m, c)))
            .filter(|(m, _)| m.on_leaderboard && m.status == MemberStatus::Active && m.points > 0)
            .filter(|(m, _)| community.is_none_or(|c| m.communities.iter().any(|x| x == c)))
            .collect();
        list.sort_by(|a, b| b.0.points.cmp(&a.0.points).then(a.0.name.cmp(&b.0.name)));
        list.into_iter().map(|(_, c)| c.clone()).collect()
    }

    /// Ambassadors of one community or all, and the leader candidates (empty unless the build
    /// may see scores), best score first.
    pub fn ambassadors(&self, community: Option<&str>) -> (Vec<MemberCtx>, Vec<MemberCtx>) {
        let in_scope =
            |m: &&MemberCtx| community.is_none_or(|c| m.communities.iter().any(|r| r.id == c));
        let ambassadors = self
            .members
            .iter()
            .filter(in_scope)
            .filter(|m| m.roles.contains(&Role::Ambassador) && m.status == MemberStatus::Active)
            .cloned()
            .collect();
        let mut candidates: Vec<MemberCtx> = self
            .members
            .iter()
            .filter(in_scope)
            .filter(|m| m.leader_scores.as_ref().is_some_and(|s| s.candidate))
            .cloned()
            .collect();
        candidates.sort_by(|a, b| {
            let total = |m: &MemberCtx| m.leader_scores.as_ref().map_or(0, |s| s.total);
            total(b).cmp(&total(a)).then(a.name.cmp(&b.name))
        });
        (ambassadors, candidates)
    }

    /// Visible pages a member wrote, newest first.
    pub fn posts_by(&self, look: &Lookups<'a>, id: &str) -> Vec<PageSummary<'a>> {
        let mut pages: Vec<usize> = self
            .site
            .visible_pages()
            .filter(|(_, p)| p.front.authors.iter().any(|a| a == id))
            .map(|(i, _)| i)
            .collect();
        self.site.newest_first(&mut pages);
        pages.into_iter().map(|i| look.summary(i)).collect()
    }

    /// Visible job postings where a member is a contact.
    pub fn jobs_with(&self, look: &Lookups<'a>, id: &str) -> Vec<PageSummary<'a>> {
        self.site
            .visible_pages()
            .filter(|(_, p)| parvis_core::model::contacts(p).contains(&id))
            .map(|(i, _)| look.summary(i))
            .collect()
    }

    /// The newest visible blog posts and upcoming events of a community: pages that name it in
    /// `extra.community` or share one of its themes.
    pub fn pages_of(
        &self,
        look: &Lookups<'a>,
        c: &CommunityCtx,
        kind: SectionKind,
        limit: usize,
    ) -> Vec<PageSummary<'a>> {
        let mut pages: Vec<usize> = self
            .site
            .visible_pages()
            .filter(|(_, p)| p.kind == kind)
            .filter(|(_, p)| parvis_core::model::community::page_belongs(p, &c.id, &c.themes))
            .map(|(i, _)| i)
            .collect();
        self.site.newest_first(&mut pages);
        pages
            .into_iter()
            .take(limit)
            .map(|i| look.summary(i))
            .collect()
    }
}
