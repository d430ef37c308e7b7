//! A token's last use (issue #14): recorded by `touch_token`, never moved back, kept apart
//! from the audit trail, and returned by every look-up.

use crate::backends::Backend;
use crate::town::*;
use adam_core::*;
use adam_store::ApiToken;

pub fn a_tokens_last_use_is_recorded_and_never_moves_back(b: &dyn Backend) {
    let s = b.open();
    let mut d = Driver::new(&*s);
    let town = build(&mut d);
    let ctx = context(Actor::System, t(NOW));
    let token = ApiToken {
        id: 0,
        user: town.ana,
        name: "nightly import".to_owned(),
        prefix: "adam_d4".to_owned(),
        hash: "d4".repeat(32),
        scopes: vec!["read".to_owned()],
        created: t(NOW),
        expires: None,
        revoked: None,
        last_used: None,
    };
    let id = s.create_token(&token, &ctx).unwrap();
    assert_eq!(s.token_by_hash(&token.hash).unwrap().unwrap().last_used, None);
    let audit = s.audit_since(0, 1_000_000).unwrap().len();

    let later = t("2026-03-02T10:00:00Z");
    s.touch_token(id, later).unwrap();
    assert_eq!(s.token_by_hash(&token.hash).unwrap().unwrap().last_used, Some(later));
    // A late write of an earlier use does not move it back.
    s.touch_token(id, t(NOW)).unwrap();
    assert_eq!(s.tokens_of(town.ana).unwrap()[0].last_used, Some(later));
    assert_eq!(
        s.audit_since(0, 1_000_000).unwrap().len(),
        audit,
        "a use is not an audit record"
    );
}
