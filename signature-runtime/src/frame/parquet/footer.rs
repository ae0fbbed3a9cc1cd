//! The footer of a Parquet file (its `FileMetaData`), walked before the `parquet` crate reads
//! it.
//!
//! The crate reads the footer the way it reads page headers (see `thrift`): fields it does
//! not know are skipped by their wire type, a boolean element in no bytes. A footer of a few
//! hundred bytes whose unknown fields declare lists of two billion booleans cost it seconds
//! (a file of 821 bytes found by the fuzzer, half a second; a megabyte of such lists, hours);
//! and it reserves room for as many row groups as the footer declares before reading one.
//! So the footer is read here first, field by field as the crate reads it, with:
//!
//! - the elements of every list, set and map counted, and refused past the footer's length;
//! - every field the crate knows read as the crate reads it: by its number alone, as
//!   parquet.thrift types it, whatever wire type its header claims (a walk by wire types
//!   would read a retyped field differently, and miss what the crate then skips);
//! - the nesting of the schema (its elements' `num_children`) checked against
//!   [`ReadLimits::frame_depth`]: the crate builds the schema tree recursively, and a footer
//!   of a few hundred kilobytes can nest deep enough to overflow the stack.
//!
//! The known fields are those parquet 59.3 reads with its default options and without its
//! `encryption` feature (`file/metadata/thrift`).

use super::thrift::{CompactReader, Result, SKIP_DEPTH, malformed, wire};

/// What the crate reads a known field as.
#[derive(Clone, Copy, Debug)]
enum Shape {
    Bool,
    Byte,
    /// `i16`, `i32`, `i64` or an enum: a zigzag varint whichever it is.
    Integer,
    Double,
    /// `binary` or `string`.
    Binary,
    Struct(&'static Known),
    List(&'static Shape),
}

impl Shape {
    fn name(self) -> &'static str {
        match self {
            Shape::Bool => "bool",
            Shape::Byte => "byte",
            Shape::Integer => "an integer",
            Shape::Double => "double",
            Shape::Binary => "binary",
            Shape::Struct(known) => known.name,
            Shape::List(_) => "list",
        }
    }

    /// Whether a list element of wire type `wire_type` is read as this shape (the crate
    /// refuses a known list whose elements are of another type).
    fn written_as(self, wire_type: u8) -> bool {
        match self {
            Shape::Bool => matches!(wire_type, wire::BOOL_TRUE | wire::BOOL_FALSE),
            Shape::Byte => wire_type == wire::BYTE,
            Shape::Integer => matches!(wire_type, wire::I16 | wire::I32 | wire::I64),
            Shape::Double => wire_type == wire::DOUBLE,
            Shape::Binary => wire_type == wire::BINARY,
            Shape::Struct(_) => wire_type == wire::STRUCT,
            Shape::List(_) => wire_type == wire::LIST,
        }
    }
}

/// A struct (or union) of parquet.thrift: the fields the crate reads by number.
#[derive(Debug)]
struct Known {
    name: &'static str,
    fields: &'static [(i16, Shape)],
}

/// A union variant without data (`String` of `LogicalType`, `MILLIS` of `TimeUnit`...): the
/// crate wants its end at once; fields in it are walked as unknown ones.
static EMPTY: Known = Known {
    name: "an empty struct",
    fields: &[],
};

static FILE_META_DATA: Known = Known {
    name: "FileMetaData",
    fields: &[
        (1, Shape::Integer),
        (2, Shape::List(&Shape::Struct(&SCHEMA_ELEMENT))),
        (3, Shape::Integer),
        (4, Shape::List(&Shape::Struct(&ROW_GROUP))),
        (5, Shape::List(&Shape::Struct(&KEY_VALUE))),
        (6, Shape::Binary),
        (7, Shape::List(&Shape::Struct(&COLUMN_ORDER))),
    ],
};

/// Field 5 is `num_children`, which the walk also reads for the schema's depth.
static SCHEMA_ELEMENT: Known = Known {
    name: "SchemaElement",
    fields: &[
        (1, Shape::Integer),
        (2, Shape::Integer),
        (3, Shape::Integer),
        (4, Shape::Binary),
        (5, Shape::Integer),
        (6, Shape::Integer),
        (7, Shape::Integer),
        (8, Shape::Integer),
        (9, Shape::Integer),
        (10, Shape::Struct(&LOGICAL_TYPE)),
    ],
};

static LOGICAL_TYPE: Known = Known {
    name: "LogicalType",
    fields: &[
        (1, Shape::Struct(&EMPTY)),
        (2, Shape::Struct(&EMPTY)),
        (3, Shape::Struct(&EMPTY)),
        (4, Shape::Struct(&EMPTY)),
        (5, Shape::Struct(&DECIMAL_TYPE)),
        (6, Shape::Struct(&EMPTY)),
        (7, Shape::Struct(&TIME_TYPE)),
        (8, Shape::Struct(&TIME_TYPE)),
        (10, Shape::Struct(&INT_TYPE)),
        (11, Shape::Struct(&EMPTY)),
        (12, Shape::Struct(&EMPTY)),
        (13, Shape::Struct(&EMPTY)),
        (14, Shape::Struct(&EMPTY)),
        (15, Shape::Struct(&EMPTY)),
        (16, Shape::Struct(&VARIANT_TYPE)),
        (17, Shape::Struct(&GEOMETRY_TYPE)),
        (18, Shape::Struct(&GEOGRAPHY_TYPE)),
    ],
};

static DECIMAL_TYPE: Known = Known {
    name: "DecimalType",
    fields: &[(1, Shape::Integer), (2, Shape::Integer)],
};

/// `TimeType` and `TimestampType`, which the crate reads alike.
static TIME_TYPE: Known = Known {
    name: "TimestampType",
    fields: &[(1, Shape::Bool), (2, Shape::Struct(&TIME_UNIT))],
};

static TIME_UNIT: Known = Known {
    name: "TimeUnit",
    fields: &[
        (1, Shape::Struct(&EMPTY)),
        (2, Shape::Struct(&EMPTY)),
        (3, Shape::Struct(&EMPTY)),
    ],
};

static INT_TYPE: Known = Known {
    name: "IntType",
    fields: &[(1, Shape::Byte), (2, Shape::Bool)],
};

static VARIANT_TYPE: Known = Known {
    name: "VariantType",
    fields: &[(1, Shape::Byte)],
};

static GEOMETRY_TYPE: Known = Known {
    name: "GeometryType",
    fields: &[(1, Shape::Binary)],
};

static GEOGRAPHY_TYPE: Known = Known {
    name: "GeographyType",
    fields: &[(1, Shape::Binary), (2, Shape::Integer)],
};

static ROW_GROUP: Known = Known {
    name: "RowGroup",
    fields: &[
        (1, Shape::List(&Shape::Struct(&COLUMN_CHUNK))),
        (2, Shape::Integer),
        (3, Shape::Integer),
        (4, Shape::List(&Shape::Struct(&SORTING_COLUMN))),
        (5, Shape::Integer),
        (7, Shape::Integer),
    ],
};

static COLUMN_CHUNK: Known = Known {
    name: "ColumnChunk",
    fields: &[
        (1, Shape::Binary),
        (2, Shape::Integer),
        (3, Shape::Struct(&COLUMN_META_DATA)),
        (4, Shape::Integer),
        (5, Shape::Integer),
        (6, Shape::Integer),
        (7, Shape::Integer),
    ],
};

static COLUMN_META_DATA: Known = Known {
    name: "ColumnMetaData",
    fields: &[
        (1, Shape::Integer),
        (2, Shape::List(&Shape::Integer)),
        (4, Shape::Integer),
        (5, Shape::Integer),
        (6, Shape::Integer),
        (7, Shape::Integer),
        (9, Shape::Integer),
        (10, Shape::Integer),
        (11, Shape::Integer),
        (12, Shape::Struct(&STATISTICS)),
        (13, Shape::List(&Shape::Struct(&PAGE_ENCODING_STATS))),
        (14, Shape::Integer),
        (15, Shape::Integer),
        (16, Shape::Struct(&SIZE_STATISTICS)),
        (17, Shape::Struct(&GEOSPATIAL_STATISTICS)),
    ],
};

static STATISTICS: Known = Known {
    name: "Statistics",
    fields: &[
        (1, Shape::Binary),
        (2, Shape::Binary),
        (3, Shape::Integer),
        (4, Shape::Integer),
        (5, Shape::Binary),
        (6, Shape::Binary),
        (7, Shape::Bool),
        (8, Shape::Bool),
    ],
};

static PAGE_ENCODING_STATS: Known = Known {
    name: "PageEncodingStats",
    fields: &[
        (1, Shape::Integer),
        (2, Shape::Integer),
        (3, Shape::Integer),
    ],
};

static SIZE_STATISTICS: Known = Known {
    name: "SizeStatistics",
    fields: &[
        (1, Shape::Integer),
        (2, Shape::List(&Shape::Integer)),
        (3, Shape::List(&Shape::Integer)),
    ],
};

static GEOSPATIAL_STATISTICS: Known = Known {
    name: "GeospatialStatistics",
    fields: &[
        (1, Shape::Struct(&BOUNDING_BOX)),
        (2, Shape::List(&Shape::Integer)),
    ],
};

static BOUNDING_BOX: Known = Known {
    name: "BoundingBox",
    fields: &[
        (1, Shape::Double),
        (2, Shape::Double),
        (3, Shape::Double),
        (4, Shape::Double),
        (5, Shape::Double),
        (6, Shape::Double),
        (7, Shape::Double),
        (8, Shape::Double),
    ],
};

static SORTING_COLUMN: Known = Known {
    name: "SortingColumn",
    fields: &[(1, Shape::Integer), (2, Shape::Bool), (3, Shape::Bool)],
};

static KEY_VALUE: Known = Known {
    name: "KeyValue",
    fields: &[(1, Shape::Binary), (2, Shape::Binary)],
};

static COLUMN_ORDER: Known = Known {
    name: "ColumnOrder",
    fields: &[(1, Shape::Struct(&EMPTY))],
};

/// What the walk learns of the footer on the way.
#[derive(Debug, Default)]
pub(super) struct Footer {
    /// The deepest nesting of the schema (the root at depth 0, its children at 1).
    pub(super) schema_depth: usize,
}

/// Walks the footer in `reader` (whose `elements_left` is the footer's length).
pub(super) fn walk(reader: &mut CompactReader<'_, &[u8]>) -> Result<Footer> {
    let mut walk = Walk {
        reader,
        // Children still to come at each open level of the schema, deepest last.
        open_groups: Vec::new(),
        footer: Footer::default(),
    };
    walk.known_struct(&FILE_META_DATA)?;
    Ok(walk.footer)
}

struct Walk<'r, 'a, 'b> {
    reader: &'r mut CompactReader<'a, &'b [u8]>,
    open_groups: Vec<i32>,
    footer: Footer,
}

impl Walk<'_, '_, '_> {
    fn known_struct(&mut self, known: &'static Known) -> Result<()> {
        let mut last_id = 0;
        let mut num_children = None;
        while let Some((field_type, id)) = self.reader.field(last_id)? {
            match known.fields.iter().find(|(number, _)| *number == id) {
                // Read as the crate reads it, by its number: a boolean's value is its wire
                // type; any other known field is read as parquet.thrift types it, whatever
                // wire type its header claims.
                Some(&(_, Shape::Bool)) => self.reader.boolean(field_type)?,
                Some(&(_, shape)) => {
                    if std::ptr::eq(known, &SCHEMA_ELEMENT) && id == 5 {
                        num_children = Some(self.reader.i32()?);
                    } else {
                        self.value(shape)?;
                    }
                }
                None => self.reader.skip(field_type, SKIP_DEPTH)?,
            }
            last_id = id;
        }
        if std::ptr::eq(known, &SCHEMA_ELEMENT) {
            self.schema_element(num_children);
        }
        Ok(())
    }

    fn value(&mut self, shape: Shape) -> Result<()> {
        match shape {
            Shape::Bool => Ok(()),
            Shape::Byte => self.reader.byte().map(drop),
            Shape::Integer => self.reader.varint().map(drop),
            Shape::Double => self.reader.skip_bytes(8),
            Shape::Binary => self.reader.binary(),
            Shape::Struct(known) => self.known_struct(known),
            Shape::List(element) => {
                let (element_type, count) = self.reader.list_header()?;
                if count > 0 && !element.written_as(element_type) {
                    return malformed(format!(
                        "a list of {} holds elements of wire type {}",
                        element.name(),
                        wire::name(element_type)
                    ));
                }
                for _ in 0..count {
                    self.value(*element)?;
                }
                Ok(())
            }
        }
    }

    /// Places a schema element in the tree (the elements come depth first, each group
    /// followed by its children) and notes its depth.
    fn schema_element(&mut self, num_children: Option<i32>) {
        // Every open group is an ancestor of this element.
        self.footer.schema_depth = self.footer.schema_depth.max(self.open_groups.len());
        if let Some(left) = self.open_groups.last_mut() {
            *left -= 1;
        }
        match num_children {
            Some(children) if children > 0 => self.open_groups.push(children),
            // A leaf may be the last child of its group, and of the groups around it.
            _ => {
                while self.open_groups.last() == Some(&0) {
                    self.open_groups.pop();
                }
            }
        }
    }
}
