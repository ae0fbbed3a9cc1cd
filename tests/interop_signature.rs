//! Our signature JSON against the real MLflow: what we write, MLflow reads and writes back
//! byte for byte; what MLflow writes, we read and write back byte for byte.

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use signature_runtime::NumpyDtype;
use signature_runtime::mlflow::signature_from_json;
use signature_tests::{arbitrary, mlflow::oracle};

#[test]
fn mlflow_rewrites_what_we_write_byte_for_byte() {
    let Some(mut mlflow) = oracle() else { return };
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    let strategy = arbitrary::signature();
    let mut checked = 0;
    while checked < 80 {
        // (The generator makes no map of `sparkml_vector` and no property of that type: MLflow
        // reads the first as a bare vector and refuses the second; see interop_sources.rs.)
        let signature = strategy.new_tree(&mut runner).unwrap().current();
        let ours = signature.to_dict().to_json();
        let theirs = mlflow
            .signature_roundtrip(&ours)
            .unwrap_or_else(|e| panic!("MLflow refused our signature {ours}\n{e}"));
        assert_eq!(theirs, ours, "MLflow rewrote our signature differently");
        checked += 1;
    }
}

#[test]
fn we_rewrite_what_mlflow_writes_byte_for_byte() {
    let Some(mut mlflow) = oracle() else { return };
    let mut total = 0;
    for seed in [1, 2] {
        for theirs in mlflow.generated_signatures(seed, 60) {
            let signature = signature_from_json(&theirs)
                .unwrap_or_else(|e| panic!("we refused MLflow's signature {theirs}\n{e}"));
            assert_eq!(signature.to_dict().to_json(), theirs);
            total += 1;
        }
    }
    assert_eq!(total, 120);
}

#[test]
fn numpy_dtype_spellings_normalise_as_numpy_does() {
    let Some(mut mlflow) = oracle() else { return };
    let spellings = [
        "bool",
        "bool_",
        "?",
        "b1",
        "int8",
        "i1",
        "byte",
        "b",
        "int16",
        "i2",
        "short",
        "h",
        "int32",
        "i4",
        "intc",
        "i",
        "int64",
        "i8",
        "int",
        "int_",
        "intp",
        "long",
        "longlong",
        "l",
        "q",
        "p",
        "uint8",
        "u1",
        "ubyte",
        "B",
        "uint16",
        "u2",
        "ushort",
        "H",
        "uint32",
        "u4",
        "uintc",
        "I",
        "uint64",
        "u8",
        "uint",
        "uintp",
        "ulong",
        "ulonglong",
        "L",
        "Q",
        "P",
        "float16",
        "f2",
        "half",
        "e",
        "float32",
        "f4",
        "single",
        "f",
        "float64",
        "f8",
        "double",
        "float",
        "d",
        "float128",
        "f16",
        "longdouble",
        "g",
        "complex64",
        "c8",
        "csingle",
        "F",
        "complex128",
        "c16",
        "cdouble",
        "complex",
        "D",
        "complex256",
        "c32",
        "clongdouble",
        "G",
        "object",
        "O",
        "object_",
        "str",
        "U",
        "str_",
        "U0",
        "bytes",
        "S",
        "bytes_",
        "S0",
        "<f4",
        ">i8",
        "=u2",
        "|b1",
        "<U",
        "datetime64",
        "datetime64[ns]",
        "datetime64[s]",
        "datetime64[D]",
        "datetime64[25ms]",
        "datetime64[1us]",
        "M8",
        "M8[ns]",
        "<M8[us]",
        "M",
        "timedelta64",
        "timedelta64[h]",
        "m8[ms]",
        "m",
        // Refused by numpy or by MLflow.
        "<U10",
        "S5",
        "a3",
        "float33",
        "",
        "datetime64[xs]",
        "int9",
        "Float32",
    ];
    for spelling in spellings {
        let theirs = mlflow.numpy_dtype(spelling).ok();
        let ours = NumpyDtype::parse(spelling).ok().map(|d| d.name());
        assert_eq!(ours, theirs, "np.dtype({spelling:?}) as MLflow names it");
    }
}
