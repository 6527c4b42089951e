//! The files a package's facts point into: every `FileId` reachable from
//! the facts through their `Serialize` implementation (spans, related
//! locations, parse errors…), except the package's own list of files.
//! A file no fact points into can hold no finding and no related location,
//! so its text is not needed once the package is extracted.

use instrlint_core::facts::PackageFacts;
use serde::ser::{self, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// File ids (`FileId.0`) the facts point into.
pub(super) fn file_ids(facts: &PackageFacts) -> BTreeSet<u32> {
    let mut c = Collector {
        ids: BTreeSet::new(),
        depth: 0,
        in_file_id: false,
    };
    // The collector never fails; an error would only mean fewer ids, so
    // on one every file of the package is counted as referenced.
    if facts.serialize(&mut c).is_err() {
        return facts.files.iter().map(|f| f.0).collect();
    }
    c.ids
}

struct Collector {
    ids: BTreeSet<u32>,
    /// Nesting depth of structs: the package's `files` list (depth 1) is skipped.
    depth: usize,
    /// Inside `FileId(..)`: the next integer is a file id.
    in_file_id: bool,
}

#[derive(Debug)]
struct Never;

impl fmt::Display for Never {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("file id collector")
    }
}

impl std::error::Error for Never {}

impl ser::Error for Never {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Never
    }
}

type R = Result<(), Never>;

impl Collector {
    fn int(&mut self, v: u64) -> R {
        if self.in_file_id {
            if let Ok(v) = u32::try_from(v) {
                self.ids.insert(v);
            }
        }
        Ok(())
    }
}

impl ser::Serializer for &mut Collector {
    type Ok = ();
    type Error = Never;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, _: bool) -> R {
        Ok(())
    }
    fn serialize_i8(self, _: i8) -> R {
        Ok(())
    }
    fn serialize_i16(self, _: i16) -> R {
        Ok(())
    }
    fn serialize_i32(self, _: i32) -> R {
        Ok(())
    }
    fn serialize_i64(self, _: i64) -> R {
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> R {
        self.int(v.into())
    }
    fn serialize_u16(self, v: u16) -> R {
        self.int(v.into())
    }
    fn serialize_u32(self, v: u32) -> R {
        self.int(v.into())
    }
    fn serialize_u64(self, v: u64) -> R {
        self.int(v)
    }
    fn serialize_f32(self, _: f32) -> R {
        Ok(())
    }
    fn serialize_f64(self, _: f64) -> R {
        Ok(())
    }
    fn serialize_char(self, _: char) -> R {
        Ok(())
    }
    fn serialize_str(self, _: &str) -> R {
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> R {
        Ok(())
    }
    fn serialize_none(self) -> R {
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> R {
        value.serialize(self)
    }
    fn serialize_unit(self) -> R {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> R {
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> R {
        Ok(())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, name: &'static str, value: &T) -> R {
        let outer = self.in_file_id;
        self.in_file_id = name == "FileId";
        let r = value.serialize(&mut *self);
        self.in_file_id = outer;
        r
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        value: &T,
    ) -> R {
        value.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Never> {
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self, Never> {
        Ok(self)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, Never> {
        Ok(self)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, Never> {
        Ok(self)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self, Never> {
        Ok(self)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Never> {
        self.depth += 1;
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, Never> {
        self.depth += 1;
        Ok(self)
    }
}

impl ser::SerializeSeq for &mut Collector {
    type Ok = ();
    type Error = Never;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> R {
        value.serialize(&mut **self)
    }
    fn end(self) -> R {
        Ok(())
    }
}

impl ser::SerializeTuple for &mut Collector {
    type Ok = ();
    type Error = Never;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> R {
        value.serialize(&mut **self)
    }
    fn end(self) -> R {
        Ok(())
    }
}

impl ser::SerializeTupleStruct for &mut Collector {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> R {
        value.serialize(&mut **self)
    }
    fn end(self) -> R {
        Ok(())
    }
}

impl ser::SerializeTupleVariant for &mut Collector {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> R {
        value.serialize(&mut **self)
    }
    fn end(self) -> R {
        Ok(())
    }
}

impl ser::SerializeMap for &mut Collector {
    type Ok = ();
    type Error = Never;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> R {
        key.serialize(&mut **self)
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> R {
        value.serialize(&mut **self)
    }
    fn end(self) -> R {
        Ok(())
    }
}

impl ser::SerializeStruct for &mut Collector {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> R {
        // The package's own list of its files points at every file.
        if self.depth == 1 && key == "files" {
            return Ok(());
        }
        value.serialize(&mut **self)
    }
    fn end(self) -> R {
        self.depth -= 1;
        Ok(())
    }
}

impl ser::SerializeStructVariant for &mut Collector {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, _: &'static str, value: &T) -> R {
        value.serialize(&mut **self)
    }
    fn end(self) -> R {
        self.depth -= 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use instrlint_core::{FileId, Span};

    #[test]
    fn every_span_counts_but_the_package_file_list() {
        let facts = PackageFacts {
            files: vec![FileId(0), FileId(1), FileId(2), FileId(3)],
            syntax_errors: vec![Span::new(FileId(2), 0, 1)],
            unparsed: vec![Span::new(FileId(3), 4, 5)],
            ..PackageFacts::default()
        };
        assert_eq!(file_ids(&facts), BTreeSet::from([2, 3]));
        assert!(file_ids(&PackageFacts::default()).is_empty());
    }
}
