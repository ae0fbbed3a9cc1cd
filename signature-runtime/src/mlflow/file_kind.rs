//! What a file is, by its first bytes: a data file handed to a signature reader (or to a build
//! without the feature that reads it) is named as what it is, not reported as malformed JSON.

use std::fmt;
use std::io::Read as _;
use std::path::Path;

/// A kind of binary file recognised by its magic bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FileKind {
    /// Apache Parquet (`PAR1`).
    Parquet,
    /// The Arrow IPC file format, also Feather v2 (`ARROW1`).
    ArrowFile,
    /// The Arrow IPC stream format (a continuation marker, `FF FF FF FF`).
    ArrowStream,
    /// Feather v1 (`FEA1`).
    FeatherV1,
    /// Apache ORC (`ORC`).
    Orc,
    /// An Avro object container (`Obj` and 1).
    Avro,
    /// gzip (`1F 8B`).
    Gzip,
    /// A zip archive (`PK` 3 4), such as a zipped model directory.
    Zip,
}

impl FileKind {
    /// The kind `head` (a file's first bytes, at least 6 when the file has them) starts as.
    pub fn of_bytes(head: &[u8]) -> Option<FileKind> {
        const KINDS: [(&[u8], FileKind); 8] = [
            (b"PAR1", FileKind::Parquet),
            (b"ARROW1", FileKind::ArrowFile),
            (&[0xff; 4], FileKind::ArrowStream),
            (b"FEA1", FileKind::FeatherV1),
            (b"ORC", FileKind::Orc),
            (b"Obj\x01", FileKind::Avro),
            (&[0x1f, 0x8b], FileKind::Gzip),
            (b"PK\x03\x04", FileKind::Zip),
        ];
        KINDS
            .iter()
            .find(|(magic, _)| head.starts_with(magic))
            .map(|(_, kind)| *kind)
    }

    /// The kind of the file at `path`, or `None` when it is none of these, is not a regular
    /// file (a pipe such as `<(cat body.json)` would lose the bytes read here), or cannot be
    /// read (the reader that opens it next reports why).
    pub fn of_file(path: &Path) -> Option<FileKind> {
        let file = std::fs::File::open(path).ok()?;
        if !file.metadata().ok()?.is_file() {
            return None;
        }
        let mut head = Vec::with_capacity(8);
        file.take(8).read_to_end(&mut head).ok()?;
        FileKind::of_bytes(&head)
    }

    /// Whether the `parquet` feature reads it (in `frame::parquet` and `mlsig`).
    pub fn is_read_by_parquet_feature(self) -> bool {
        matches!(
            self,
            FileKind::Parquet | FileKind::ArrowFile | FileKind::ArrowStream
        )
    }
}

impl fmt::Display for FileKind {
    /// `a Parquet file`, `an Arrow IPC stream`...
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileKind::Parquet => "a Parquet file",
            FileKind::ArrowFile => "an Arrow IPC (Feather v2) file",
            FileKind::ArrowStream => "an Arrow IPC stream",
            FileKind::FeatherV1 => "a Feather v1 file",
            FileKind::Orc => "an ORC file",
            FileKind::Avro => "an Avro file",
            FileKind::Gzip => "a gzip file",
            FileKind::Zip => "a zip archive",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_bytes_name_the_kind_and_json_is_none() {
        assert_eq!(FileKind::of_bytes(b"PAR1\x15\x04"), Some(FileKind::Parquet));
        assert_eq!(FileKind::of_bytes(b"ARROW1\0\0"), Some(FileKind::ArrowFile));
        assert_eq!(
            FileKind::of_bytes(&[0xff, 0xff, 0xff, 0xff, 0x10, 0, 0, 0]),
            Some(FileKind::ArrowStream)
        );
        assert_eq!(FileKind::of_bytes(b"PK\x03\x04"), Some(FileKind::Zip));
        assert_eq!(FileKind::of_bytes(&[0x1f, 0x8b, 8]), Some(FileKind::Gzip));
        for text in [&b"{\"inputs\""[..], b"[{\"type", b"PAR", b"", b"flavors:\n"] {
            assert_eq!(FileKind::of_bytes(text), None);
        }
    }
}
