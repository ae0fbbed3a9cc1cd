//! `dataframe_split` bodies: `columns`, `index` and the rows of `data`.

use super::{Arrival, Cell, CellSink, Layout, Run, Seen, Seg, Slot, Step, shape_text};
use crate::check::scanner::StrToken;
use crate::check::scanner::SyntaxError;
use crate::report::{ProblemKind, Severity};
use crate::types::ColumnName;

use super::clean_rows::CleanRowPlan;

/// The columns a `dataframe_split` names, as slots.
pub(super) enum SplitColumns {
    /// The schema's columns in its order: the checker's own slots and fast-path plan.
    Schema,
    /// Any other list: one slot per column.
    Listed(Vec<Slot>),
}

/// A column label in `columns`.
#[derive(Clone, Copy)]
enum Label {
    Str(StrToken),
    Int(i64),
}

/// The slots of a `columns` list, kept only once it leaves the schema's order.
struct SlotList {
    /// The slots, once the list is not the schema's columns in order.
    listed: Vec<Slot>,
    /// Whether every slot so far is the schema column of its position (none kept).
    in_schema_order: bool,
    len: usize,
    /// How many slots to make room for at once (the schema's width).
    capacity: usize,
}

impl SlotList {
    fn push(&mut self, slot: Slot) {
        if self.in_schema_order {
            if slot == Slot::Column(self.len) {
                self.len += 1;
                return;
            }
            self.in_schema_order = false;
            self.listed.reserve(self.capacity);
            self.listed.extend((0..self.len).map(Slot::Column));
        }
        self.listed.push(slot);
        self.len += 1;
    }

    fn into_vec(mut self) -> Vec<Slot> {
        if self.in_schema_order {
            self.listed.extend((0..self.len).map(Slot::Column));
        }
        self.listed
    }
}

impl<S: CellSink> Run<'_, '_, S> {
    pub(super) fn split(&mut self) -> Step<Option<u64>> {
        if self.peek()? != b'{' {
            self.mismatch(ProblemKind::BadEnvelope, || {
                "an object with `data`, and optionally `columns` and `index`".to_owned()
            })?;
            return Ok(None);
        }
        self.enter()?;
        let mut slots: Option<SplitColumns> = None;
        let mut data_at: Option<usize> = None;
        let mut rows: Option<u64> = None;
        let mut index: Option<u64> = None;
        let mut seen_keys = [false; 3];
        let mut first = true;
        while let Some(key) = self.key(first)? {
            first = false;
            let name = self.key_text(key);
            const KEYS: [&str; 3] = ["columns", "data", "index"];
            let which = KEYS.iter().position(|k| *k == name);
            // A known key as a constant: the pointer to it needs no look at the body.
            self.path.push(match which {
                Some(k) => Seg::Name(KEYS[k]),
                None => Seg::Key(key),
            });
            match which {
                Some(k) if seen_keys[k] => {
                    self.error(ProblemKind::DuplicateKey, || {
                        format!("`{name}` is given twice")
                    });
                    self.skip()?;
                }
                Some(0) => {
                    seen_keys[0] = true;
                    slots = self.split_columns()?;
                }
                Some(1) => {
                    seen_keys[1] = true;
                    if seen_keys[0] {
                        rows = self.split_data(slots.take())?;
                    } else {
                        // `columns` may still come: check `data` once the object is read.
                        self.scanner.skip_ws();
                        data_at = Some(self.scanner.pos());
                        self.skip()?;
                    }
                }
                Some(_) => {
                    seen_keys[2] = true;
                    index = self.split_index()?;
                }
                None => {
                    self.report(Severity::Error, |run| {
                        run.here(
                            ProblemKind::BadEnvelope,
                            Severity::Error,
                            format!("unknown key `{name}` in `dataframe_split`"),
                        )
                        .with_expected("`columns`, `data` and `index`")
                    });
                    self.skip()?;
                }
            }
            self.path.pop();
        }
        if let Some(at) = data_at {
            let end = self.scanner.pos();
            self.scanner.seek(at);
            self.path.push(Seg::Name("data"));
            rows = self.split_data(slots.take())?;
            self.path.pop();
            self.scanner.seek(end);
        }
        self.leave();
        if !seen_keys[1] {
            self.error(ProblemKind::BadEnvelope, || {
                "`dataframe_split` has no `data`".to_owned()
            });
        }
        // pandas repeats a single row along a longer `index` (the MLflow modes follow it).
        let broadcast = self.mlflow.is_some() && rows == Some(1);
        if let (Some(index), Some(rows)) = (index, rows)
            && index != rows
            && !(broadcast && index > rows)
        {
            self.path.push(Seg::Name("index"));
            self.error(ProblemKind::BadEnvelope, || {
                format!("`index` has {index} entries but `data` has {rows} rows")
            });
            self.path.pop();
        }
        Ok(rows)
    }

    /// `columns`: the names, matched to the schema; reports missing and extra columns.
    pub(super) fn split_columns(&mut self) -> Step<Option<SplitColumns>> {
        if self.peek()? != b'[' {
            self.mismatch(ProblemKind::BadEnvelope, || {
                "a list of column names".to_owned()
            })?;
            return Ok(None);
        }
        let checker = self.checker;
        let mut slots = SlotList {
            listed: Vec::new(),
            in_schema_order: checker.layout == Layout::Named,
            len: 0,
            capacity: checker.columns.len(),
        };
        let mut seen = Seen::default();
        seen.reset(checker.columns.len());
        let mut positional_count = 0usize;
        self.each_element(|run, _| {
            let at = run.scanner.pos();
            let label = match run.peek()? {
                b'"' => Some(Label::Str(run.string()?)),
                b'-' | b'0'..=b'9' => {
                    let number = run.number()?;
                    match number.as_integer() {
                        Some(v) if v.fits_i64() => {
                            let text = &run.scanner.bytes()[number.span.0..number.span.1];
                            String::from_utf8_lossy(text).parse().ok().map(Label::Int)
                        }
                        _ => None,
                    }
                }
                _ => {
                    run.scanner.seek(at);
                    run.mismatch(ProblemKind::BadEnvelope, || {
                        "a column name (a string or an integer)".to_owned()
                    })?;
                    slots.push(Slot::Skip);
                    return Ok(());
                }
            };
            let slot = match (checker.layout, label) {
                (Layout::Unchecked, _) => Slot::Skip,
                (Layout::Positional | Layout::UnnamedTensor, _) => {
                    positional_count += 1;
                    run.positional_slot(positional_count - 1, None)
                }
                (Layout::Named, None) => {
                    run.extra_column(&run.excerpt(at, run.scanner.pos()), None);
                    Slot::Skip
                }
                (Layout::Named, Some(label)) => {
                    let found = match label {
                        Label::Str(token) => run.column_for_key(token),
                        Label::Int(name) => checker.int_names.get(&name).copied(),
                    };
                    let text = |run: &Self| match label {
                        Label::Str(token) => run.key_text(token).into_owned(),
                        Label::Int(name) => name.to_string(),
                    };
                    match found {
                        Some(k) if seen.mark(k) => {
                            let name = text(run);
                            run.error(ProblemKind::DuplicateKey, || {
                                format!("column `{name}` is given twice")
                            });
                            Slot::Skip
                        }
                        Some(k) => Slot::Column(k),
                        None => {
                            run.extra_column(&text(run), None);
                            Slot::Skip
                        }
                    }
                }
            };
            slots.push(slot);
            Ok(())
        })?;
        if slots.in_schema_order && slots.len == checker.columns.len() {
            // The usual body: the schema's columns in its order, planned once per checker.
            self.split_columns_end(seen, None)?;
            return Ok(Some(SplitColumns::Schema));
        }
        let mut slots = slots.into_vec();
        match checker.layout {
            Layout::Named => self.split_columns_end(seen, None)?,
            Layout::Positional | Layout::UnnamedTensor => {
                self.positional_width(slots.len(), None);
                if checker.layout == Layout::UnnamedTensor {
                    self.unnamed_tensor_width(&mut slots);
                }
            }
            Layout::Unchecked => {}
        }
        Ok(Some(SplitColumns::Listed(slots)))
    }

    /// Reports the required columns a named `columns` list lacks.
    fn split_columns_end(&mut self, seen: Seen, note: Option<&'static str>) -> Step {
        let checker = self.checker;
        for (k, column) in checker.columns.iter().enumerate() {
            if column.required && !seen.has(k) {
                self.missing_column(k, note);
            }
        }
        Ok(())
    }

    /// The slot of the `i`-th column of a positional or unnamed-tensor schema.
    pub(super) fn positional_slot(&mut self, i: usize, name: Option<&str>) -> Slot {
        let checker = self.checker;
        if checker.layout == Layout::UnnamedTensor {
            return if i == 0 {
                Slot::Column(0)
            } else {
                Slot::TensorElement
            };
        }
        if i < checker.columns.len() {
            Slot::Column(i)
        } else {
            let label = name.map_or_else(|| i.to_string(), str::to_owned);
            self.extra_column(&label, None);
            Slot::Skip
        }
    }

    /// Reports the positional columns a body of `width` columns lacks.
    pub(super) fn positional_width(&mut self, width: usize, note: Option<&'static str>) {
        let checker = self.checker;
        if checker.layout != Layout::Positional {
            return;
        }
        let note =
            note.unwrap_or("the signature's columns are unnamed: they are matched by position");
        for k in width..checker.columns.len() {
            self.missing_column(k, Some(note));
        }
    }

    /// For an unnamed tensor read from a frame of several columns: every column is one
    /// element of a `(-1, n)` tensor; any other shape cannot be built from scalar cells.
    pub(super) fn unnamed_tensor_width(&mut self, slots: &mut [Slot]) {
        let Some(Cell::Tensor { spec, .. }) = self.checker.columns.first().map(|c| &c.cell) else {
            return;
        };
        if slots.len() <= 1 {
            return;
        }
        let width = slots.len() as i64;
        let fits = matches!(spec.shape(), [first, n] if *first == -1 && (*n == width || *n == -1));
        if fits {
            slots.fill(Slot::TensorElement);
        } else {
            let shape = shape_text(spec.shape());
            self.error(ProblemKind::TensorShape, || {
                format!(
                    "{width} columns cannot form the unnamed tensor of shape {shape}; \
                     a frame of n columns needs shape (-1, n)"
                )
            });
            slots.fill(Slot::Skip);
        }
    }

    pub(super) fn split_index(&mut self) -> Step<Option<u64>> {
        if self.peek()? != b'[' {
            self.mismatch(ProblemKind::BadEnvelope, || {
                "a list of row labels".to_owned()
            })?;
            return Ok(None);
        }
        let count = self.each_element(|run, _| run.skip())?;
        Ok(Some(count))
    }

    /// `data`: the rows. Without `columns`, pandas numbers the columns 0, 1, ...
    pub(super) fn split_data(&mut self, slots: Option<SplitColumns>) -> Step<Option<u64>> {
        if self.peek()? != b'[' {
            self.mismatch(ProblemKind::BadEnvelope, || {
                "a list of rows (each a list of values)".to_owned()
            })?;
            return Ok(None);
        }
        let (slots, width) = match slots {
            Some(SplitColumns::Schema) => {
                let checker = self.checker;
                let width = checker.columns.len();
                let plan = self.clean_split_plan();
                let rows = self.rows_with_plan(&checker.schema_fast_slots, plan, width)?;
                if rows == 0 {
                    self.ml_given_empty(0..width);
                }
                return Ok(Some(rows));
            }
            Some(SplitColumns::Listed(slots)) => {
                let width = slots.len();
                (slots, Some(width))
            }
            // No rows and no names: nothing to match. MLflow's frame then has no columns,
            // and misses the required ones (a positional schema, every one).
            None if self.first_element_byte().is_none() => {
                if self.mlflow.is_some() && !self.checker.is_tensor_schema() {
                    let checker = self.checker;
                    for (k, column) in checker.columns.iter().enumerate() {
                        if column.required || checker.layout == Layout::Positional {
                            self.missing_column(k, Some("MLflow reads no columns from empty data"));
                        }
                    }
                }
                (Vec::new(), None)
            }
            None => {
                let width = self.first_row_width();
                (self.unlabelled_slots(width), None)
            }
        };
        let width = width.unwrap_or(slots.len());
        let rows = self.rows_of_lists(&slots, width)?;
        if rows == 0 {
            let listed = slots.iter().filter_map(|slot| match *slot {
                Slot::Leaf { column: k, .. } | Slot::Column(k) => Some(k),
                _ => None,
            });
            self.ml_given_empty(listed.collect::<Vec<_>>());
        }
        Ok(Some(rows))
    }

    /// How many values the first row holds (looking ahead; errors are left for the real pass).
    pub(super) fn first_row_width(&mut self) -> usize {
        let start = self.scanner.pos();
        let mut width = 0;
        let max = self.checker.options.max_depth;
        let depth = self.depth;
        let mut look = || -> Result<(), SyntaxError> {
            self.scanner.expect(b'[', "")?;
            if self.scanner.peek() != Some(b'[') {
                return Ok(());
            }
            self.scanner.seek(self.scanner.pos() + 1);
            if self.scanner.array_first() {
                loop {
                    self.scanner.skip_value(depth + 2, max)?;
                    width += 1;
                    if !self.scanner.array_next()? {
                        break;
                    }
                }
            }
            Ok(())
        };
        let _ = look();
        self.scanner.seek(start);
        width
    }

    /// Slots for rows given without column names: pandas labels the columns 0, 1, ...
    pub(super) fn unlabelled_slots(&mut self, width: usize) -> Vec<Slot> {
        let checker = self.checker;
        const NOTE: &str = "without `columns`, pandas names the columns 0, 1, 2, ...";
        match checker.layout {
            Layout::Unchecked => vec![Slot::Skip; width],
            Layout::Positional | Layout::UnnamedTensor => {
                let mut slots: Vec<Slot> =
                    (0..width).map(|i| self.positional_slot(i, None)).collect();
                self.positional_width(width, Some(NOTE));
                if checker.layout == Layout::UnnamedTensor {
                    self.unnamed_tensor_width(&mut slots);
                }
                slots
            }
            Layout::Named => {
                let mut seen = Seen::default();
                seen.reset(checker.columns.len());
                let mut slots = Vec::with_capacity(width);
                for i in 0..width {
                    let label = ColumnName::Int(i as i64);
                    match checker.column_named(&label) {
                        Some(k) => {
                            seen.mark(k);
                            slots.push(Slot::Column(k));
                        }
                        None => {
                            self.extra_column(&label.to_string(), None);
                            slots.push(Slot::Skip);
                        }
                    }
                }
                for (k, column) in checker.columns.iter().enumerate() {
                    if column.required && !seen.has(k) {
                        self.missing_column(k, Some(NOTE));
                    }
                }
                slots
            }
        }
    }

    /// Rows given as lists of values, `slots` saying where each position goes.
    pub(super) fn rows_of_lists(&mut self, slots: &[Slot], width: usize) -> Step<u64> {
        let slots: Vec<Slot> = slots
            .iter()
            .map(|slot| self.checker.fast_slot(*slot))
            .collect();
        let clean_plan = self.clean_row_plan(&slots);
        self.rows_with_plan(&slots, clean_plan.as_ref(), width)
    }

    /// The rows, each `width` cells going to `slots` (their scalar checks resolved), clean
    /// ones through `clean_plan` when there is one.
    fn rows_with_plan(
        &mut self,
        slots: &[Slot],
        clean_plan: Option<&CleanRowPlan>,
        width: usize,
    ) -> Step<u64> {
        self.sink_rows_begin(Arrival::Rows);
        let mlflow = self.mlflow.is_some();
        // pandas reads `data` whose first item is not a list as one column of values.
        let flat = mlflow && {
            let start = self.scanner.pos();
            self.scanner.seek(start + 1);
            self.scanner.skip_ws();
            let first = self.scanner.peek();
            self.scanner.seek(start);
            !matches!(first, Some(b'[' | b']') | None)
        };
        if flat && width != 1 {
            self.error(ProblemKind::RowLength, || {
                format!(
                    "pandas reads `data` of single values as one column, but there are {width} \
                     columns"
                )
            });
        }
        // The longest row: pandas pads the shorter ones, and wants it as wide as `columns`.
        let mut widest = 0;
        let rows = self.each_element(|run, row| {
            run.row = Some(row);
            if flat {
                if let Some(&slot) = slots.first()
                    && width == 1
                {
                    run.split_cell(slot, row)?;
                } else {
                    run.skip()?;
                }
                run.column = None;
                run.sink_row_end(row);
                return Ok(());
            }
            if let Some(plan) = clean_plan
                && run.clean_row(plan, row)
            {
                widest = width as u64;
                return Ok(());
            }
            if run.peek()? != b'[' {
                return run.mismatch(ProblemKind::WrongType, || {
                    format!("a row (a list of {width} values)")
                });
            }
            let count = run.each_element(|run, col| {
                match usize::try_from(col).ok().and_then(|c| slots.get(c)) {
                    Some(&slot) => run.split_cell(slot, row)?,
                    None => run.skip()?,
                }
                run.column = None;
                Ok(())
            })?;
            widest = widest.max(count);
            if mlflow && count < width as u64 {
                // pandas pads a short row with NaN.
                for slot in &slots[usize::try_from(count)
                    .unwrap_or(usize::MAX)
                    .min(slots.len())..]
                {
                    if let Slot::Leaf { column: k, .. } | Slot::Column(k) = *slot {
                        run.ml_padded_cell(k);
                    }
                }
            } else if count != width as u64 {
                run.error(ProblemKind::RowLength, || {
                    format!("row {row} has {count} values, but there are {width} columns")
                });
            }
            run.sink_row_end(row);
            Ok(())
        })?;
        self.row = None;
        if mlflow && !flat && rows > 0 && widest < width as u64 {
            self.error(ProblemKind::RowLength, || {
                format!(
                    "{width} columns, but no row has more than {widest} values (pandas pads \
                     short rows only up to the longest one)"
                )
            });
        }
        Ok(rows)
    }

    /// One value of a `dataframe_split` row, going to `slot`.
    fn split_cell(&mut self, slot: Slot, row: u64) -> Step {
        match slot {
            Slot::Leaf {
                column: k,
                spec,
                nullable,
            } => {
                self.column = Some(k);
                let value = self.leaf_value(spec, nullable)?;
                if S::ACTIVE {
                    self.sink.cell(k, row, value);
                }
            }
            Slot::Column(k) => {
                let value = self.cell(k)?;
                if S::ACTIVE {
                    self.sink.cell(k, row, value);
                }
            }
            Slot::TensorElement => self.tensor_element()?,
            Slot::Skip => self.skip()?,
        }
        Ok(())
    }
}
