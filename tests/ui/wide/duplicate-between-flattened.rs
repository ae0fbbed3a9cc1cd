use signature_runtime::Signature;

include!("../../wide/columns.rs");

// `Left` and `Right` have 500 columns each, the hundred `c400` to `c499` in both: the error
// names the first of them.
macro_rules! overlapping {
    ($g0:tt $g1:tt $g2:tt $g3:tt $g4:tt $g5:tt $g6:tt $g7:tt $g8:tt $g9:tt) => {
        columns!(Left {} $g0 $g1 $g2 $g3 $g4);
        columns!(Right {} $g4 $g5 $g6 $g7 $g8);
        columns!(Both {
            #[serde(flatten)]
            left: Left,
            #[serde(flatten)]
            right: Right,
        });
    };
}

with_names!(overlapping!());

fn main() {}
