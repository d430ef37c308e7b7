//! A small inventory on top of the fixture organisation, for the tests of the inventory's API
//! and pages: a security lead, two custodians, two systems, two assets, one link, and a token
//! for each of the callers the inventory's rules distinguish.
//!
//! - `vodja` holds the security-lead system role and is appointed security lead (Art. 5(2));
//! - `skrbnik` keeps `VOPI-SYS` (a system, Z2 C1 R1) and `VOPI-DATA` (an asset, Z2 C1 R1,
//!   stored by `VOPI-SYS`: link `link`);
//! - `drugi` keeps `DRUGI-SYS` (a system, unclassified) and `DRUGI-DATA` (an unlinked asset,
//!   unclassified).
//!
//! Built through the write path as the people who would do it (the lead creates, each
//! custodian classifies and links), so the audit trail and the store hold it like any change.

#![allow(dead_code)]

use crate::support::*;
use adam_core::register::decree_roles::DecreeRole;
use adam_core::register::inventory::{ItemFields, ItemKind, Relation};
use adam_core::*;
use adam_server::Scope;
use reqwest::Method;
use serde_json::Value;

/// The ids [`build`] gives out on a fixture server (checked there), for tables of requests
/// written before the server exists.
pub const ASSET: u32 = 0;
pub const SYSTEM: u32 = 1;
pub const OTHER_SYSTEM: u32 = 2;
pub const OTHER_ASSET: u32 = 3;
pub const LINK: u32 = 0;
pub const APPOINTMENT: u32 = 0;

/// Who calls, as the inventory's rules tell callers apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Party {
    /// The information-security lead (system role and appointment).
    Lead,
    /// The custodian of `VOPI-SYS` and `VOPI-DATA`.
    Custodian,
    /// The custodian of `DRUGI-SYS` and `DRUGI-DATA`.
    OtherCustodian,
    /// The user administrator of GLPI (`Who::UserAdminHere`).
    UserAdmin,
    /// A clerk with no role in the inventory (`Who::Plain`).
    Plain,
    /// The `admin` account, the system administrator (`Who::SysAdmin`).
    Admin,
    /// A `system_user` service account's token (`Who::Service`).
    Service,
}

impl Party {
    pub const ALL: [Party; 7] = [
        Party::Lead,
        Party::Custodian,
        Party::OtherCustodian,
        Party::UserAdmin,
        Party::Plain,
        Party::Admin,
        Party::Service,
    ];
}

/// The ids and tokens of the small inventory.
#[derive(Clone, Debug)]
pub struct Inventory {
    pub lead: UserId,
    pub custodian: UserId,
    pub other: UserId,
    pub system: ItemId,
    pub asset: ItemId,
    pub other_system: ItemId,
    pub other_asset: ItemId,
    pub link: LinkId,
    pub appointment: HolderId,
    /// Read and write tokens of the lead and the two custodians.
    pub tokens: Vec<(Party, String)>,
}

fn text(s: &str) -> Text {
    Text::parse("t", s).unwrap()
}

/// The fields of an item with only its code, name and custodian.
pub fn fields(code: &str, name: &str, custodian: UserId) -> ItemFields {
    ItemFields {
        code: Code::parse("code", code).unwrap(),
        name: text(name),
        description: None,
        custodian,
        operators: Vec::new(),
        label: None,
        own: false,
        key_server: false,
        high_risk: false,
        secured_area: false,
        other_inventory: None,
        public_cloud: None,
        application: None,
        last_reviewed: None,
        review_due: None,
        attachments: Vec::new(),
    }
}

/// Runs a command through the server's write path as `actor`.
pub async fn run(server: &TestServer, actor: Actor, command: Command) -> Option<Created> {
    let ctx = server.state.context(actor, None);
    server
        .state
        .execute_as(actor, ctx, command)
        .await
        .unwrap_or_else(|e| panic!("inventory fixture: {}", e.detail))
        .created
}

async fn person(server: &TestServer, name: &str) -> UserId {
    let Some(Created::User(u)) = run(
        server,
        Actor::System,
        Command::CreateUser {
            username: Username::parse("u", name).unwrap(),
            kind: AccountKind::User,
            title: None,
            first_name: text(name),
            last_name: text("Test"),
            gender: Gender::Unspecified,
            email: Email::parse("e", &format!("{name}@test.si")).unwrap(),
            phone: None,
            jobs: vec![],
        },
    )
    .await
    else {
        panic!("no user")
    };
    u
}

async fn item(server: &TestServer, lead: UserId, kind: ItemKind, f: ItemFields) -> ItemId {
    let Some(Created::Item(id)) = run(server, Actor::user(lead), Command::CreateItem { kind, fields: f }).await else {
        panic!("no item")
    };
    id
}

pub fn class(z: u8, c: u8, r: u8) -> Classification {
    Classification {
        z: SecurityClass::new(z).unwrap(),
        c: SecurityClass::new(c).unwrap(),
        r: SecurityClass::new(r).unwrap(),
    }
}

/// Classifies as the item's custodian.
pub async fn classify(server: &TestServer, custodian: UserId, id: ItemId, c: Classification) {
    run(
        server,
        Actor::user(custodian),
        Command::ClassifyItem {
            item: id,
            class: c,
            protection_level: None,
        },
    )
    .await;
}

/// Builds the small inventory on a fixture server.
pub async fn build(server: &TestServer) -> Inventory {
    let lead = person(server, "vodja").await;
    let custodian = person(server, "skrbnik").await;
    let other = person(server, "drugi").await;
    server.make_security_lead(lead).await;
    let since = LocalDate::new(2026, 1, 1).unwrap();
    let Some(Created::Holder(appointment)) = run(
        server,
        Actor::user(lead),
        Command::AppointDecreeRole {
            role: DecreeRole::SecurityLead,
            user: lead,
            contact: Some(text("vodja.iv@test.si")),
            appointment: Some(text("Sklep 1/2026")),
            since,
        },
    )
    .await
    else {
        panic!("no appointment")
    };
    let asset = item(
        server,
        lead,
        ItemKind::Asset,
        fields("VOPI-DATA", "Podatki VOPI", custodian),
    )
    .await;
    let mut sys = fields("VOPI-SYS", "Sistem VOPI", custodian);
    sys.own = true;
    sys.last_reviewed = LocalDate::new(2025, 1, 10);
    let system = item(server, lead, ItemKind::System, sys).await;
    let other_system = item(
        server,
        lead,
        ItemKind::System,
        fields("DRUGI-SYS", "Drugi sistem", other),
    )
    .await;
    let other_asset = item(
        server,
        lead,
        ItemKind::Asset,
        fields("DRUGI-DATA", "Drugi podatki", other),
    )
    .await;
    classify(server, custodian, asset, class(2, 1, 1)).await;
    let Some(Created::Link(link)) = run(
        server,
        Actor::user(custodian),
        Command::LinkAsset {
            system,
            asset,
            relation: Relation::Stores,
            consent: None,
        },
    )
    .await
    else {
        panic!("no link")
    };
    classify(server, custodian, system, class(2, 1, 1)).await;
    assert_eq!(
        [asset.0, system.0, other_system.0, other_asset.0, link.0, appointment.0],
        [ASSET, SYSTEM, OTHER_SYSTEM, OTHER_ASSET, LINK, APPOINTMENT]
    );
    let mut tokens = Vec::new();
    for (party, user) in [
        (Party::Lead, lead),
        (Party::Custodian, custodian),
        (Party::OtherCustodian, other),
    ] {
        let issued = adam_server::api::system::issue(
            &server.state,
            Actor::System,
            None,
            user,
            "test",
            &[Scope::Read, Scope::Write],
            None,
        )
        .await
        .unwrap_or_else(|e| panic!("token: {}", e.detail));
        tokens.push((party, issued.secret));
    }
    Inventory {
        lead,
        custodian,
        other,
        system,
        asset,
        other_system,
        other_asset,
        link,
        appointment,
        tokens,
    }
}

/// Builds the small inventory unless the server has one already (the route × caller matrix
/// shares one server between its reading rows).
pub async fn ensure(server: &TestServer) {
    if server.state.world().items().is_empty() {
        build(server).await;
    }
}

impl Inventory {
    /// The token a party calls with.
    pub fn token<'a>(&'a self, server: &'a TestServer, party: Party) -> &'a str {
        let who = match party {
            Party::UserAdmin => Who::UserAdminHere,
            Party::Plain => Who::Plain,
            Party::Admin => Who::SysAdmin,
            Party::Service => Who::Service,
            _ => {
                return self
                    .tokens
                    .iter()
                    .find(|(p, _)| *p == party)
                    .map(|(_, t)| t.as_str())
                    .unwrap();
            }
        };
        server.token(who).unwrap()
    }

    /// Sends a request as `party`, with extra headers.
    pub async fn call(
        &self,
        server: &TestServer,
        party: Party,
        method: Method,
        path: &str,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut request = server
            .client
            .request(method, format!("{}{path}", server.url))
            .bearer_auth(self.token(server, party));
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        reply(request.send().await.unwrap()).await
    }

    pub async fn get(&self, server: &TestServer, party: Party, path: &str) -> Reply {
        self.call(server, party, Method::GET, path, None, &[]).await
    }

    pub async fn post(&self, server: &TestServer, party: Party, path: &str, body: &Value) -> Reply {
        self.call(server, party, Method::POST, path, Some(body), &[]).await
    }

    /// A PATCH or PUT with the `If-Match` the lead reads.
    pub async fn edit(&self, server: &TestServer, party: Party, method: Method, path: &str, body: &Value) -> Reply {
        let current = self.get(server, Party::Lead, path).await.expect(200);
        let etag = current.header("etag").unwrap().to_owned();
        self.call(server, party, method, path, Some(body), &[("if-match", etag.as_str())])
            .await
    }
}

/// Reads a response into a [`Reply`].
pub async fn reply(response: reqwest::Response) -> Reply {
    Reply::from(response).await
}
