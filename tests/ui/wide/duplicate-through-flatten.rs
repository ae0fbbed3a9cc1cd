use signature_runtime::Signature;

include!("../../wide/columns.rs");

// `Outer`: 500 columns of its own, one more renamed to a name `Inner`'s 500 also has.
macro_rules! halves {
    ($g0:tt $g1:tt $g2:tt $g3:tt $g4:tt $g5:tt $g6:tt $g7:tt $g8:tt $g9:tt) => {
        columns!(Inner {} $g5 $g6 $g7 $g8 $g9);
        columns!(Outer {} $g0 $g1 $g2 $g3 $g4 {
            #[serde(rename = "c742")]
            again: i64,
            #[serde(flatten)]
            inner: Inner,
        });
    };
}

with_names!(halves!());

fn main() {}
