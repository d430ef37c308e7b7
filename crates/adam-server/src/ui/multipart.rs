//! A streaming reader of `multipart/form-data` (RFC 7578), for the one UI form that sends a
//! file: its parts are read in order as the body arrives, and a part's content is handed out
//! piece by piece (`Multipart::chunk`), never gathered — a large file passes through in
//! pieces of a network frame or so. Small text parts before the file (the CSRF token, the
//! document type) are read whole, up to a few kilobytes.

use axum::body::{Body, Bytes};
use http_body_util::BodyExt;

/// Why the form could not be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum MultipartError {
    /// Not `multipart/form-data` with a boundary.
    #[error("the form is not multipart/form-data with a boundary")]
    NotMultipart,
    /// The body broke off or does not follow the format.
    #[error("the form is cut short or malformed: {0}")]
    Malformed(&'static str),
}

/// What a part says of itself.
#[derive(Clone, Debug, Default)]
pub(crate) struct PartHead {
    /// The form field's name.
    pub(crate) name: String,
    /// The file's name, for a file part.
    pub(crate) filename: Option<String>,
    /// The part's content type.
    pub(crate) content_type: Option<String>,
}

/// The largest part head (its header lines), in bytes.
const MAX_HEAD: usize = 8 * 1024;

/// A multipart body being read.
pub(crate) struct Multipart {
    body: Body,
    /// `\r\n--boundary`: what ends a part's content.
    delimiter: Vec<u8>,
    buf: Vec<u8>,
    ended: bool,
    /// Whether the reader is inside a part's content.
    in_part: bool,
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

impl Multipart {
    /// A reader of `body`, whose `Content-Type` is `content_type`.
    pub(crate) fn new(content_type: &str, body: Body) -> Result<Multipart, MultipartError> {
        let mut fields = content_type.split(';');
        if !fields
            .next()
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("multipart/form-data"))
        {
            return Err(MultipartError::NotMultipart);
        }
        let boundary = fields
            .filter_map(|f| f.split_once('='))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("boundary"))
            .map(|(_, v)| v.trim().trim_matches('"').to_owned())
            .filter(|b| !b.is_empty() && b.len() <= 70)
            .ok_or(MultipartError::NotMultipart)?;
        Ok(Multipart {
            body,
            delimiter: format!("\r\n--{boundary}").into_bytes(),
            // The first delimiter has no line break before it: start as if it had one.
            buf: b"\r\n".to_vec(),
            ended: false,
            in_part: false,
        })
    }

    /// Reads another frame into the buffer; `false` at the end of the body.
    async fn fill(&mut self) -> Result<bool, MultipartError> {
        while !self.ended {
            match self.body.frame().await {
                None => self.ended = true,
                Some(Err(_)) => return Err(MultipartError::Malformed("the body broke off")),
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        self.buf.extend_from_slice(&data);
                        return Ok(true);
                    }
                }
            }
        }
        Ok(false)
    }

    /// The next part's head, skipping what is left of the current part; `None` after the last.
    pub(crate) async fn next_part(&mut self) -> Result<Option<PartHead>, MultipartError> {
        // To the next delimiter, dropping what comes before it.
        loop {
            if let Some(at) = find(&self.buf, &self.delimiter) {
                self.buf.drain(..at + self.delimiter.len());
                break;
            }
            let keep = self.delimiter.len().saturating_sub(1).min(self.buf.len());
            self.buf.drain(..self.buf.len() - keep);
            if !self.fill().await? {
                return Err(MultipartError::Malformed("no closing boundary"));
            }
        }
        // `--` closes the form; a line break opens a part.
        while self.buf.len() < 2 {
            if !self.fill().await? {
                return Err(MultipartError::Malformed("no closing boundary"));
            }
        }
        if self.buf.starts_with(b"--") {
            self.in_part = false;
            return Ok(None);
        }
        // The head: header lines up to an empty line (transport padding before the line
        // break is allowed by RFC 2046 and ignored with the rest of the first line).
        let end = loop {
            if let Some(at) = find(&self.buf, b"\r\n\r\n") {
                break at;
            }
            if self.buf.len() > MAX_HEAD || !self.fill().await? {
                return Err(MultipartError::Malformed("a part's head is too long or cut short"));
            }
        };
        let head_text = String::from_utf8_lossy(&self.buf[..end]).into_owned();
        self.buf.drain(..end + 4);
        self.in_part = true;
        let mut head = PartHead::default();
        for line in head_text.split("\r\n").skip(1) {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            if name.trim().eq_ignore_ascii_case("content-disposition") {
                for param in value.split(';').skip(1) {
                    if let Some((k, v)) = param.split_once('=') {
                        let v = v.trim().trim_matches('"').replace("%22", "\"");
                        match k.trim().to_ascii_lowercase().as_str() {
                            "name" => head.name = v,
                            "filename" => head.filename = Some(v),
                            _ => {}
                        }
                    }
                }
            } else if name.trim().eq_ignore_ascii_case("content-type") {
                head.content_type = Some(value.trim().to_owned());
            }
        }
        Ok(Some(head))
    }

    /// The next piece of the current part's content; `None` at its end.
    pub(crate) async fn chunk(&mut self) -> Result<Option<Bytes>, MultipartError> {
        if !self.in_part {
            return Ok(None);
        }
        loop {
            if let Some(at) = find(&self.buf, &self.delimiter) {
                if at == 0 {
                    self.in_part = false;
                    return Ok(None);
                }
                let piece: Vec<u8> = self.buf.drain(..at).collect();
                return Ok(Some(Bytes::from(piece)));
            }
            // All but what could be the start of the delimiter is content.
            let safe = self.buf.len().saturating_sub(self.delimiter.len() - 1);
            if safe > 0 {
                let piece: Vec<u8> = self.buf.drain(..safe).collect();
                return Ok(Some(Bytes::from(piece)));
            }
            if !self.fill().await? {
                return Err(MultipartError::Malformed("a part is cut short"));
            }
        }
    }

    /// The current part's content as text, at most `max` bytes.
    pub(crate) async fn text(&mut self, max: usize) -> Result<String, MultipartError> {
        let mut out = Vec::new();
        while let Some(piece) = self.chunk().await? {
            out.extend_from_slice(&piece);
            if out.len() > max {
                return Err(MultipartError::Malformed("a text field is too long"));
            }
        }
        String::from_utf8(out).map_err(|_| MultipartError::Malformed("a text field is not UTF-8"))
    }

    /// Reads and drops the rest of the body (at most `max` bytes), so that a browser whose
    /// upload was refused part-way gets the answer rather than a broken connection.
    pub(crate) async fn drain(&mut self, max: u64) {
        let mut seen = 0u64;
        self.buf.clear();
        while seen < max {
            match self.fill().await {
                Ok(true) => {
                    seen += self.buf.len() as u64;
                    self.buf.clear();
                }
                _ => break,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn body(parts: &[&[u8]]) -> Body {
        Body::from(parts.concat())
    }

    #[tokio::test]
    async fn parts_and_a_file_are_read_in_order() {
        let file: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let b = body(&[
            b"--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\ntok\r\n",
            b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a b.pdf\"\r\nContent-Type: application/pdf\r\n\r\n",
            &file,
            b"\r\n--XyZ--\r\n",
        ]);
        let mut m = Multipart::new("multipart/form-data; boundary=XyZ", b).unwrap();
        let h = m.next_part().await.unwrap().unwrap();
        assert_eq!(h.name, "_csrf");
        assert_eq!(m.text(100).await.unwrap(), "tok");
        let h = m.next_part().await.unwrap().unwrap();
        assert_eq!(h.filename.as_deref(), Some("a b.pdf"));
        assert_eq!(h.content_type.as_deref(), Some("application/pdf"));
        let mut got = Vec::new();
        while let Some(p) = m.chunk().await.unwrap() {
            got.extend_from_slice(&p);
        }
        assert!(got == file);
        assert!(m.next_part().await.unwrap().is_none());
        assert!(Multipart::new("text/plain", Body::empty()).is_err());
        let mut cut = Multipart::new(
            "multipart/form-data; boundary=XyZ",
            body(&[b"--XyZ\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nabc"]),
        )
        .unwrap();
        cut.next_part().await.unwrap();
        assert!(cut.text(100).await.is_err());
    }
}
