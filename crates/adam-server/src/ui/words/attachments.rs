//! Words for attachments (files kept with register records): key, Slovenian, English.

/// This area's keys.
pub(crate) const WORDS: &[(&str, &str, &str)] = &[
    ("att_title", "Priloge", "Attachments"),
    (
        "att_hint",
        "Datoteke so shranjene šifrirane (60. člen (3)); berejo jih tisti, ki smejo brati ta zapis.",
        "Files are stored encrypted (Art. 60(3)); they are read by those who may read this record.",
    ),
    (
        "att_record_hint",
        "Datoteke so shranjene šifrirane (60. člen (3)); berejo jih tisti, ki smejo brati ta zapis. Dodane datoteke se ne odstranijo: zgodovina zapisa jih hrani.",
        "Files are stored encrypted (Art. 60(3)); they are read by those who may read this record. Files added are never removed: the record's history keeps them.",
    ),
    ("att_none", "Ni prilog.", "No attachments."),
    ("att_name", "Datoteka", "File"),
    ("att_size", "Velikost", "Size"),
    ("att_type", "Vrsta", "Type"),
    ("att_doc_type", "Vrsta dokumenta", "Document type"),
    (
        "att_doc_type_hint",
        "neobvezno, npr. soglasje",
        "optional, e.g. consent",
    ),
    ("att_file", "Datoteka za nalaganje", "File to upload"),
    ("att_upload", "Naloži in pripni", "Upload and attach"),
    ("att_choose_file", "Izberite datoteko.", "Choose a file."),
    ("att_download", "Prenesi", "Download"),
    (
        "att_upload_broke",
        "Nalaganje se je prekinilo; poskusite znova.",
        "The upload broke off; try again.",
    ),
];
