//! Integration tests: each module tells a user's story with a fixture site, a command and what
//! the writer or the visitor would see.

mod access;
mod audiences;
mod bad_input;
mod browser;
mod building;
mod cli;
mod community;
mod diagnostics;
mod example_site;
mod external;
mod feed_server;
mod feeds;
mod fuzz;
mod hostile;
mod html;
mod image_functions;
mod images;
mod incremental;
mod languages;
mod links;
mod markdown;
mod member_feeds;
mod members_io;
mod new;
mod portals;
mod regression;
mod report;
mod robustness;
mod search;
mod serve;
mod site_test;
mod theme;
mod theme_readme;
