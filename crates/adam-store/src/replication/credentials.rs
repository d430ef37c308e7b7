//! The credential tables a standby keeps a copy of: password hashes, sealed TOTP seeds,
//! backup-code tags and API-token hashes — what people and services sign in with, so that a
//! promoted standby lets them in. Sessions, reset links and attempt counters stay with the
//! server that made them (after a failover people sign in again).
//!
//! The tables are small (one row per account or token), so they are copied whole when their
//! digest differs, in the batch's transaction.

use crate::StoreError;
use crate::sql::{Row, Tx, Val, Writes, write_error};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A column's type, the same on both backends' rows.
#[derive(Clone, Copy)]
enum Cell {
    Int,
    OptInt,
    Text,
    Bool,
    Json,
}

/// A copied table: its name, the statements that read and replace it, and its columns.
struct Table {
    name: &'static str,
    select: &'static str,
    delete: &'static str,
    insert: &'static str,
    cells: &'static [Cell],
}

const TABLES: [Table; 4] = [
    Table {
        name: "auth_passwords",
        select: "SELECT user_id, phc, must_change, set_at FROM auth_passwords ORDER BY user_id",
        delete: "DELETE FROM auth_passwords",
        insert: "INSERT INTO auth_passwords (user_id, phc, must_change, set_at) VALUES ($1, $2, $3, $4)",
        cells: &[Cell::Int, Cell::Text, Cell::Bool, Cell::Int],
    },
    Table {
        name: "auth_totp",
        select: "SELECT user_id, secret, confirmed, created, last_step FROM auth_totp ORDER BY user_id",
        delete: "DELETE FROM auth_totp",
        insert: "INSERT INTO auth_totp (user_id, secret, confirmed, created, last_step) VALUES ($1, $2, $3, $4, $5)",
        cells: &[Cell::Int, Cell::Text, Cell::Bool, Cell::Int, Cell::OptInt],
    },
    Table {
        name: "auth_backup_codes",
        select: "SELECT user_id, codes, created, used_at FROM auth_backup_codes ORDER BY user_id",
        delete: "DELETE FROM auth_backup_codes",
        insert: "INSERT INTO auth_backup_codes (user_id, codes, created, used_at) VALUES ($1, $2, $3, $4)",
        cells: &[Cell::Int, Cell::Json, Cell::Int, Cell::OptInt],
    },
    Table {
        name: "api_tokens",
        select: "SELECT id, user_id, name, prefix, hash, scopes, created, expires, revoked, last_used \
                 FROM api_tokens ORDER BY id",
        delete: "DELETE FROM api_tokens",
        insert: "INSERT INTO api_tokens (id, user_id, name, prefix, hash, scopes, created, expires, revoked, last_used) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        cells: &[
            Cell::Int,
            Cell::Int,
            Cell::Text,
            Cell::Text,
            Cell::Text,
            Cell::Json,
            Cell::Int,
            Cell::OptInt,
            Cell::OptInt,
            Cell::OptInt,
        ],
    },
];

/// The rows of the credential tables, in the order of the table list, each row its cells.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CredentialRows {
    /// Per table, its rows.
    pub tables: Vec<Vec<Vec<Value>>>,
}

impl CredentialRows {
    /// SHA-256 of the rows (hex): what a standby sends to say which copy it holds.
    pub fn digest(&self) -> String {
        use sha2::{Digest, Sha256};
        let text = serde_json::to_string(&self.tables).unwrap_or_default();
        crate::hex::hex(Sha256::digest(text.as_bytes()).as_slice())
    }
}

fn cell(row: &dyn Row, i: usize, kind: Cell, table: &'static str) -> Result<Value, StoreError> {
    Ok(match kind {
        Cell::Int => Value::from(crate::sql::req_int(row, i, table, "column")?),
        Cell::OptInt => row.int(i)?.map_or(Value::Null, Value::from),
        Cell::Text => Value::from(crate::sql::req_text(row, i, table, "column")?),
        Cell::Bool => Value::Bool(row.boolean(i)?),
        Cell::Json => row.json(i)?.unwrap_or(Value::Null),
    })
}

/// Reads the credential tables.
pub(crate) fn read(tx: &mut dyn Tx) -> Result<CredentialRows, StoreError> {
    let mut tables = Vec::with_capacity(TABLES.len());
    for table in &TABLES {
        let mut rows = Vec::new();
        tx.each(table.select, &[], &mut |row| {
            rows.push(
                table
                    .cells
                    .iter()
                    .enumerate()
                    .map(|(i, kind)| cell(row, i, *kind, table.name))
                    .collect::<Result<Vec<_>, _>>()?,
            );
            Ok(())
        })?;
        tables.push(rows);
    }
    Ok(CredentialRows { tables })
}

/// Replaces the credential tables with `rows`.
pub(crate) fn replace(tx: &mut dyn Tx, writes: &mut Writes, rows: &CredentialRows) -> Result<(), StoreError> {
    if rows.tables.len() != TABLES.len() {
        return Err(StoreError::Corrupt(format!(
            "the credentials hold {} tables, not {}",
            rows.tables.len(),
            TABLES.len()
        )));
    }
    // Dependants first: nothing references these tables, but the order is the list's.
    for (table, rows) in TABLES.iter().zip(&rows.tables) {
        writes.exec(tx, table.delete, &[]).map_err(write_error)?;
        for row in rows {
            if row.len() != table.cells.len() {
                return Err(StoreError::Corrupt(format!(
                    "a row of {} has {} cells",
                    table.name,
                    row.len()
                )));
            }
            let mut values = Vec::with_capacity(row.len());
            for (value, kind) in row.iter().zip(table.cells) {
                let bad = || StoreError::Corrupt(format!("a cell of {} holds {value}", table.name));
                values.push(match kind {
                    Cell::Int => Val::int(value.as_i64().ok_or_else(bad)?),
                    Cell::OptInt => Val::Int(value.as_i64()),
                    Cell::Text => Val::text(value.as_str().ok_or_else(bad)?),
                    Cell::Bool => Val::Bool(value.as_bool().ok_or_else(bad)?),
                    Cell::Json => Val::Json(Some(value.clone())),
                });
            }
            writes.exec(tx, table.insert, &values).map_err(write_error)?;
        }
    }
    Ok(())
}
