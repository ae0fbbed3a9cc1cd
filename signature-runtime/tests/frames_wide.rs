//! Frames at production width: 1,200-column Arrow batches and Polars frames whose columns come
//! in another order than the signature's are checked and conformed as in-order ones are, with
//! the same reports; a 1,000-column Parquet file streams in batches of bounded size.
#![cfg(any(feature = "arrow", feature = "polars"))]

use signature_runtime::{ColSpec, DataType, Report, Schema};

const WIDTH: usize = 1_200;
const ROWS: usize = 50;

/// Column `i`'s type: `long`, `double`, `string`, `boolean` in turn.
fn column_type(i: usize) -> DataType {
    [
        DataType::Long,
        DataType::Double,
        DataType::String,
        DataType::Boolean,
    ][i % 4]
}

fn wide_schema() -> Schema {
    Schema::from_columns(
        (0..WIDTH)
            .map(|i| ColSpec::new(format!("feature_{i}"), column_type(i)))
            .collect(),
    )
    .unwrap()
}

/// The column positions in a fixed shuffled order (xorshift, seeded).
fn shuffled(n: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    for i in (1..n).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        order.swap(i, (state % (i as u64 + 1)) as usize);
    }
    order
}

/// A report's problems as sorted text, with the counts: the same problems whatever order
/// the frame's columns come in.
fn outline(report: &Report) -> (Vec<String>, u64, u64) {
    let mut problems: Vec<String> = report
        .problems()
        .iter()
        .map(|p| serde_json::to_string(p).unwrap())
        .collect();
    problems.sort();
    (problems, report.error_count(), report.warning_count())
}

/// What the broken frames change: `feature_7` (required) is left out, `feature_9` (double)
/// comes as strings, and `stray` is added.
#[derive(Clone, Copy, PartialEq)]
enum Variant {
    Clean,
    Broken,
}

#[cfg(feature = "arrow")]
mod arrow {
    use std::sync::Arc;

    use signature_runtime::frame::ArrowChecker;
    use signature_runtime::frame::arrow_array::{
        ArrayRef, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray,
    };

    use super::*;

    fn column(i: usize, ty: DataType) -> ArrayRef {
        let values = (0..ROWS).map(|r| r * 7 + i);
        match ty {
            DataType::Long => Arc::new(Int64Array::from_iter_values(values.map(|v| v as i64))),
            DataType::Double => Arc::new(Float64Array::from_iter_values(values.map(|v| v as f64))),
            DataType::String => {
                Arc::new(StringArray::from_iter_values(values.map(|v| v.to_string())))
            }
            _ => Arc::new(BooleanArray::from_iter(values.map(|v| Some(v % 2 == 0)))),
        }
    }

    fn batch(order: &[usize], variant: Variant) -> RecordBatch {
        let mut columns: Vec<(String, ArrayRef)> = Vec::new();
        for &i in order {
            let ty = match (variant, i) {
                (Variant::Broken, 7) => continue,
                (Variant::Broken, 9) => DataType::String,
                _ => column_type(i),
            };
            columns.push((format!("feature_{i}"), column(i, ty)));
        }
        if variant == Variant::Broken {
            columns.insert(
                columns.len() / 2,
                ("stray".to_owned(), column(0, DataType::Long)),
            );
        }
        RecordBatch::try_from_iter(columns).unwrap()
    }

    #[test]
    fn a_wide_batch_in_any_column_order_checks_and_conforms_to_the_signature_order() {
        let checker = ArrowChecker::for_schema(&wide_schema());
        let in_order: Vec<usize> = (0..WIDTH).collect();
        for order in [in_order, shuffled(WIDTH)] {
            let batch = batch(&order, Variant::Clean);
            let report = checker.check(&batch);
            assert!(report.is_valid(), "{:?}", report.problems());
            assert!(checker.check_schema(batch.schema_ref()).is_valid());
            let conformed = checker.conform(&batch).unwrap().batch;
            assert_eq!(conformed.num_columns(), WIDTH);
            for (i, field) in conformed.schema().fields().iter().enumerate() {
                assert_eq!(field.name(), &format!("feature_{i}"));
                // Zero-copy: the input's own column, found by name.
                let source = batch.column_by_name(field.name()).unwrap();
                assert!(Arc::ptr_eq(conformed.column(i), source), "{}", field.name());
            }
        }
    }

    #[test]
    fn a_wide_batch_gets_the_same_report_in_any_column_order() {
        let checker = ArrowChecker::for_schema(&wide_schema());
        let in_order: Vec<usize> = (0..WIDTH).collect();
        let expected = outline(&checker.check(&batch(&in_order, Variant::Broken)));
        assert_eq!((expected.1, expected.2), (2, 1), "{:#?}", expected.0);
        for needle in ["feature_7", "feature_9", "stray"] {
            assert!(expected.0.iter().any(|p| p.contains(needle)), "{needle}");
        }
        let shuffled_report = checker.check(&batch(&shuffled(WIDTH), Variant::Broken));
        assert_eq!(outline(&shuffled_report), expected);
    }

    #[cfg(feature = "parquet")]
    #[test]
    fn a_1000_column_parquet_file_streams_in_batches_of_bounded_size() {
        use signature_runtime::frame::parquet::{check_file, open};
        use signature_runtime::frame::parquet_crate::arrow::ArrowWriter;

        const COLUMNS: usize = 1_000;
        let schema = Schema::from_columns(
            (0..COLUMNS)
                .map(|i| ColSpec::new(format!("c{i}"), DataType::Long))
                .collect(),
        )
        .unwrap();
        // Written in the reverse of the signature's order, in 8 row groups of 1,000 rows: a
        // 10-column file's batch size (64k rows) would read all 8,000 rows x 1,000 columns
        // (64 MB) at once.
        let chunk = |start: i64| {
            let columns: Vec<(String, ArrayRef)> = (0..COLUMNS)
                .rev()
                .map(|i| {
                    let values = (start..start + 1_000).map(|r| (r + i as i64) % 97);
                    let array: ArrayRef = Arc::new(Int64Array::from_iter_values(values));
                    (format!("c{i}"), array)
                })
                .collect();
            RecordBatch::try_from_iter(columns).unwrap()
        };
        let path = std::env::temp_dir().join(format!("wide-{}.parquet", std::process::id()));
        let file = std::fs::File::create(&path).unwrap();
        let mut writer = ArrowWriter::try_new(file, chunk(0).schema(), None).unwrap();
        for start in (0..8_000).step_by(1_000) {
            writer.write(&chunk(start)).unwrap();
            writer.flush().unwrap();
        }
        writer.close().unwrap();

        let mut rows = 0;
        let mut largest = 0;
        for batch in open(&path).unwrap() {
            let batch = batch.unwrap();
            rows += batch.num_rows();
            largest = largest.max(batch.get_array_memory_size());
        }
        assert_eq!(rows, 8_000);
        // About 5 MB of values a batch, as for a 10-column file (allowing Arrow's padding).
        assert!(largest < 16 << 20, "a batch of {largest} bytes");

        let report = check_file(&ArrowChecker::for_schema(&schema), &path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert!(report.is_valid(), "{:?}", report.problems());
        assert_eq!(report.rows(), Some(8_000));
    }
}

#[cfg(feature = "polars")]
mod polars {
    use signature_runtime::frame::PolarsChecker;
    use signature_runtime::frame::polars_core::prelude::{Column, DataFrame};

    use super::*;

    fn column(i: usize, ty: DataType) -> Column {
        let name = format!("feature_{i}");
        let values = (0..ROWS).map(|r| r * 7 + i);
        match ty {
            DataType::Long => {
                Column::new(name.into(), values.map(|v| v as i64).collect::<Vec<_>>())
            }
            DataType::Double => {
                Column::new(name.into(), values.map(|v| v as f64).collect::<Vec<_>>())
            }
            DataType::String => Column::new(
                name.into(),
                values.map(|v| v.to_string()).collect::<Vec<_>>(),
            ),
            _ => Column::new(name.into(), values.map(|v| v % 2 == 0).collect::<Vec<_>>()),
        }
    }

    fn frame(order: &[usize], variant: Variant) -> DataFrame {
        let mut columns: Vec<Column> = Vec::new();
        for &i in order {
            let ty = match (variant, i) {
                (Variant::Broken, 7) => continue,
                (Variant::Broken, 9) => DataType::String,
                _ => column_type(i),
            };
            columns.push(column(i, ty));
        }
        if variant == Variant::Broken {
            let stray = Column::new("stray".into(), vec![1i64; ROWS]);
            columns.insert(columns.len() / 2, stray);
        }
        DataFrame::new(ROWS, columns).unwrap()
    }

    #[test]
    fn a_wide_frame_in_any_column_order_checks_and_conforms_to_the_signature_order() {
        let checker = PolarsChecker::for_schema(&wide_schema());
        let in_order: Vec<usize> = (0..WIDTH).collect();
        for order in [in_order, shuffled(WIDTH)] {
            let frame = frame(&order, Variant::Clean);
            let report = checker.check(&frame);
            assert!(report.is_valid(), "{:?}", report.problems());
            assert!(checker.check_schema(frame.schema()).is_valid());
            let conformed = checker.conform(&frame).unwrap().frame;
            let names: Vec<String> = conformed
                .get_column_names()
                .iter()
                .map(|n| n.to_string())
                .collect();
            let expected: Vec<String> = (0..WIDTH).map(|i| format!("feature_{i}")).collect();
            assert_eq!(names, expected);
        }
    }

    #[test]
    fn a_wide_frame_gets_the_same_report_in_any_column_order() {
        let checker = PolarsChecker::for_schema(&wide_schema());
        let in_order: Vec<usize> = (0..WIDTH).collect();
        let expected = outline(&checker.check(&frame(&in_order, Variant::Broken)));
        assert_eq!((expected.1, expected.2), (2, 1), "{:#?}", expected.0);
        for needle in ["feature_7", "feature_9", "stray"] {
            assert!(expected.0.iter().any(|p| p.contains(needle)), "{needle}");
        }
        let shuffled_report = checker.check(&frame(&shuffled(WIDTH), Variant::Broken));
        assert_eq!(outline(&shuffled_report), expected);
    }
}
