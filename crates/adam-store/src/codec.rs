//! The strings enum-like columns hold.
//!
//! They are the names the engine's serde derives use (`snake_case`, and `allowed` /
//! `maxAllowed` for ACL kinds), so a column reads like the API's JSON and an operator's query
//! matches what they see elsewhere. They are written out by hand, not produced through serde,
//! because the cold load decodes millions of them; a unit test checks every variant against
//! serde so the two cannot drift apart.

use crate::StoreError;
use adam_core::*;

/// A decoding failure: the column held a name that is not one of the enum's.
fn unknown(table: &'static str, column: &'static str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{table}.{column} holds {value:?}, which is not a known name"))
}

macro_rules! names {
    ($enc:ident, $dec:ident, $ty:ty, { $($variant:path => $name:literal),+ $(,)? }) => {
        pub(crate) fn $enc(v: $ty) -> &'static str {
            match v {
                $($variant => $name,)+
            }
        }

        pub(crate) fn $dec(table: &'static str, column: &'static str, s: &str) -> Result<$ty, StoreError> {
            match s {
                $($name => Ok($variant),)+
                other => Err(unknown(table, column, other)),
            }
        }
    };
}

names!(job_kind, job_kind_of, JobKind, {
    JobKind::Head => "head",
    JobKind::Secretariat => "secretariat",
    JobKind::Regular => "regular",
});

names!(account_kind, account_kind_of, AccountKind, {
    AccountKind::Admin => "admin",
    AccountKind::SystemUser => "system_user",
    AccountKind::User => "user",
});

names!(gender, gender_of, Gender, {
    Gender::Female => "female",
    Gender::Male => "male",
    Gender::Other => "other",
    Gender::Unspecified => "unspecified",
});

names!(role_kind, role_kind_of, RoleKind, {
    RoleKind::Application => "application",
    RoleKind::User => "user",
    RoleKind::System => "system",
});

names!(power, power_of, SystemPower, {
    SystemPower::UserAdmin => "user_admin",
    SystemPower::SecurityLead => "security_lead",
});

names!(state, state_of, ObjectState, {
    ObjectState::Open => "open",
    ObjectState::HandedOver => "handed_over",
    ObjectState::Closed => "closed",
});

names!(acl_kind, acl_kind_of, AclKind, {
    AclKind::Allowed => "allowed",
    AclKind::MaxAllowed => "maxAllowed",
});

/// A grantee as `(type, id)`.
pub(crate) fn grantee(g: Grantee) -> (&'static str, Option<u32>) {
    match g {
        Grantee::User(u) => ("user", Some(u.0)),
        Grantee::Job(j) => ("job", Some(j.0)),
        Grantee::Office(o) => ("office", Some(o.0)),
        Grantee::Everyone => ("everyone", None),
    }
}

/// The grantee stored as `(type, id)`.
pub(crate) fn grantee_of(kind: &str, id: Option<u32>) -> Result<Grantee, StoreError> {
    let need = || StoreError::Corrupt(format!("grants.grantee_id is NULL for a {kind} grantee"));
    Ok(match kind {
        "user" => Grantee::User(UserId(id.ok_or_else(need)?)),
        "job" => Grantee::Job(JobId(id.ok_or_else(need)?)),
        "office" => Grantee::Office(OfficeId(id.ok_or_else(need)?)),
        "everyone" => Grantee::Everyone,
        other => return Err(unknown("grants", "grantee_type", other)),
    })
}

/// A carrier as `(type, id)`.
pub(crate) fn carrier(c: Carrier) -> (&'static str, u32) {
    match c {
        Carrier::Class(id) => ("class", id.0),
        Carrier::Folder(id) => ("folder", id.0),
        Carrier::Document(id) => ("document", id.0),
    }
}

/// The carrier stored as `(type, id)`.
pub(crate) fn carrier_of(kind: &str, id: u32) -> Result<Carrier, StoreError> {
    Ok(match kind {
        "class" => Carrier::Class(ClassId(id)),
        "folder" => Carrier::Folder(FolderId(id)),
        "document" => Carrier::Document(DocumentId(id)),
        other => return Err(unknown("acl_entries", "carrier_type", other)),
    })
}

/// An entity as `(type, id)`.
pub(crate) fn entity(e: Entity) -> (&'static str, Option<u32>) {
    match e {
        Entity::Company => ("company", None),
        Entity::Office(id) => ("office", Some(id.0)),
        Entity::Job(id) => ("job", Some(id.0)),
        Entity::User(id) => ("user", Some(id.0)),
        Entity::Role(id) => ("role", Some(id.0)),
        Entity::Group(id) => ("group", Some(id.0)),
        Entity::Creator => ("creator", None),
        Entity::Responsible => ("responsible", None),
        Entity::Sender => ("sender", None),
        Entity::Recipient => ("recipient", None),
        Entity::DistMain => ("dist_main", None),
    }
}

/// The entity stored as `(type, id)`.
pub(crate) fn entity_of(kind: &str, id: Option<u32>) -> Result<Entity, StoreError> {
    let need = || StoreError::Corrupt(format!("acl_entries.entity_id is NULL for a {kind} entity"));
    Ok(match kind {
        "company" => Entity::Company,
        "office" => Entity::Office(OfficeId(id.ok_or_else(need)?)),
        "job" => Entity::Job(JobId(id.ok_or_else(need)?)),
        "user" => Entity::User(UserId(id.ok_or_else(need)?)),
        "role" => Entity::Role(RoleId(id.ok_or_else(need)?)),
        "group" => Entity::Group(GroupId(id.ok_or_else(need)?)),
        "creator" => Entity::Creator,
        "responsible" => Entity::Responsible,
        "sender" => Entity::Sender,
        "recipient" => Entity::Recipient,
        "dist_main" => Entity::DistMain,
        other => return Err(unknown("acl_entries", "entity_type", other)),
    })
}

/// A level read from an integer column.
pub(crate) fn level_of(table: &'static str, column: &'static str, v: i64) -> Result<Level, StoreError> {
    u8::try_from(v)
        .ok()
        .and_then(|v| Level::from_value(v).ok())
        .ok_or_else(|| StoreError::Corrupt(format!("{table}.{column} holds {v}, which is not an access level")))
}

/// A security class read from an integer column.
pub(crate) fn class_of(table: &'static str, column: &'static str, v: i64) -> Result<SecurityClass, StoreError> {
    u8::try_from(v)
        .ok()
        .and_then(|v| SecurityClass::new(v).ok())
        .ok_or_else(|| StoreError::Corrupt(format!("{table}.{column} holds {v}, which is not a security class")))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use serde::Serialize;

    fn serde_name<T: Serialize>(v: T) -> String {
        match serde_json::to_value(v).unwrap() {
            serde_json::Value::String(s) => s,
            serde_json::Value::Object(m) => m["type"].as_str().unwrap().to_owned(),
            other => panic!("{other}"),
        }
    }

    #[test]
    fn names_are_the_serde_names() {
        for v in [JobKind::Head, JobKind::Secretariat, JobKind::Regular] {
            assert_eq!(job_kind(v), serde_name(v));
            assert_eq!(job_kind_of("t", "c", job_kind(v)).unwrap(), v);
        }
        for v in [AccountKind::Admin, AccountKind::SystemUser, AccountKind::User] {
            assert_eq!(account_kind(v), serde_name(v));
            assert_eq!(account_kind_of("t", "c", account_kind(v)).unwrap(), v);
        }
        for v in [Gender::Female, Gender::Male, Gender::Other, Gender::Unspecified] {
            assert_eq!(gender(v), serde_name(v));
            assert_eq!(gender_of("t", "c", gender(v)).unwrap(), v);
        }
        for v in [RoleKind::Application, RoleKind::User, RoleKind::System] {
            assert_eq!(role_kind(v), serde_name(v));
            assert_eq!(role_kind_of("t", "c", role_kind(v)).unwrap(), v);
        }
        for v in SystemPower::ALL {
            assert_eq!(power(v), serde_name(v));
            assert_eq!(power_of("t", "c", power(v)).unwrap(), v);
        }
        for v in [ObjectState::Open, ObjectState::HandedOver, ObjectState::Closed] {
            assert_eq!(state(v), serde_name(v));
            assert_eq!(state_of("t", "c", state(v)).unwrap(), v);
        }
        for v in [AclKind::Allowed, AclKind::MaxAllowed] {
            assert_eq!(acl_kind(v), serde_name(v));
            assert_eq!(acl_kind_of("t", "c", acl_kind(v)).unwrap(), v);
        }
        for v in [
            Grantee::User(UserId(1)),
            Grantee::Job(JobId(2)),
            Grantee::Office(OfficeId(3)),
            Grantee::Everyone,
        ] {
            let (k, id) = grantee(v);
            assert_eq!(k, serde_name(v));
            assert_eq!(grantee_of(k, id).unwrap(), v);
        }
        for v in [
            Carrier::Class(ClassId(1)),
            Carrier::Folder(FolderId(2)),
            Carrier::Document(DocumentId(3)),
        ] {
            let (k, id) = carrier(v);
            assert_eq!(k, serde_name(v));
            assert_eq!(carrier_of(k, id).unwrap(), v);
        }
        for v in [
            Entity::Company,
            Entity::Office(OfficeId(1)),
            Entity::Job(JobId(2)),
            Entity::User(UserId(3)),
            Entity::Role(RoleId(4)),
            Entity::Group(GroupId(5)),
            Entity::Creator,
            Entity::Responsible,
            Entity::Sender,
            Entity::Recipient,
            Entity::DistMain,
        ] {
            let (k, id) = entity(v);
            assert_eq!(k, serde_name(v));
            assert_eq!(entity_of(k, id).unwrap(), v);
        }
        assert!(state_of("folders", "state", "lost").is_err());
        assert!(level_of("acl_entries", "value", 15).is_err());
        assert!(class_of("folders", "z", 4).is_err());
    }
}
