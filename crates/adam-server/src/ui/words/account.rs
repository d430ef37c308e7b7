//! Words for signing in, passwords, second factors and the command line: key, Slovenian, English.

/// This area's keys.
pub(crate) const WORDS: &[(&str, &str, &str)] = &[
    (
        "new_password_rules",
        "Vsaj 8 znakov (15 brez dvostopenjske prijave); ne pogosto geslo ali beseda iz slovarja; brez nizov štirih enakih, zaporednih ali sosednjih znakov (aaaa, 1234, qwer) — niz treh je dovoljen v dovolj dolgem geslu; brez vašega imena ali uporabniškega imena; drugačno od trenutnega ali začasnega gesla. Najboljša je fraza iz več besed.",
        "At least 8 characters (15 without a second factor); not a common password or a dictionary word; no run of four equal, consecutive or neighbouring keys (aaaa, 1234, qwer) — a run of three is fine in a long enough password; not your name or username; different from the current or temporary password. A phrase of several words is best.",
    ),
    (
        "mfa_still_pending",
        "Druga stopnja še ni potrjena: vnesite kodo, ki jo aplikacija kaže zdaj. Koda QR in rezervne kode so spodaj.",
        "The second factor is not confirmed yet: type the code the app shows now. The QR code and the backup codes are below.",
    ),
];
