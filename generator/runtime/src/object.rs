//! Model structs to and from JSON objects.
//!
//! Generated structs implement `Serialize` and `Deserialize` through
//! [`__impl_object!`](crate::__impl_object), from one property table.
//!
//! Two costs pull apart here: code per property in every struct is what
//! makes a big API slow to `cargo check` (serde's derives emit several
//! visitors and a `match` arm and a `?` per field), while a derive's code is
//! what makes decoding fast. So a struct's impls are one call each way with
//! its properties as a slice (small to check), and the shared functions
//! here do the per-key work as fast as a derive does:
//!
//! * reading, a key is found by trying first the property that followed
//!   the last one read in the previous object of that type (a server
//!   writes one type's properties in one order, so after the first object
//!   that is nearly always it: one comparison), then a hash table built
//!   once per struct (big structs) or a scan (small ones); each value is decoded by
//!   its own monomorphized `Deserialize` behind one indirect call
//!   ([`Slot`]), straight from the input (no `serde_json::Value`);
//! * writing, each property is one call of a small generic function
//!   ([`write`]) into the serializer's `serialize_field`, in table order,
//!   as serde's derive writes; errors are kept in the [`Sink`] rather than
//!   returned per property, so a struct's `serialize` has no `?` per
//!   property to check.
//!
//! Semantics are serde's derive's: a repeated key is `duplicate field`, a
//! missing required one `missing field`, unknown ones are skipped, and a
//! sequence is read as every field in table order.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeStruct, Serializer};

/// An object key, borrowed from the input when it can be.
#[doc(hidden)]
pub struct Key<'de>(pub Cow<'de, str>);

impl<'de> Key<'de> {
    /// The key.
    #[inline]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key, owned.
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    #[inline]
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_identifier(CowStr("a property name")).map(Key)
    }
}

/// Reads a string, borrowed from the input when it can be (for [`Key`] and
/// [`Text`]); the text says what was expected.
struct CowStr(&'static str);

impl<'de> Visitor<'de> for CowStr {
    type Value = Cow<'de, str>;
    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.0)
    }
    #[inline]
    fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(text))
    }
    fn visit_str<E: de::Error>(self, text: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(text.to_owned()))
    }
    fn visit_string<E: de::Error>(self, text: String) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(text))
    }
}

/// A string value, borrowed from the input when it can be (string enums
/// read their value through it, so only an unknown value is copied).
#[doc(hidden)]
pub struct Text<'de>(pub Cow<'de, str>);

impl<'de> Text<'de> {
    /// The text.
    #[inline]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text, owned.
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for Text<'de> {
    #[inline]
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(CowStr("a string")).map(Text)
    }
}

/// `deserialize_with` of an optional nullable field with serde's derives
/// (the generator's `--serde-derive`): there and null is
/// `Some(None)` (absent is `None` through `#[serde(default)]`).
#[doc(hidden)]
pub fn double_option<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

/// A model struct read from the entries of an object (implemented by
/// [`__impl_object!`](crate::__impl_object)).
#[doc(hidden)]
pub trait FromObject: Sized {
    /// The struct's name, for "expected struct …".
    const NAME: &'static str;

    /// The wire names in table order (also what a sequence's elements
    /// are, in formats that write structs as sequences).
    const FIELDS: &'static [&'static str];

    /// Whether the struct keeps additional properties: it is then always
    /// a map, never a sequence, as serde's `#[serde(flatten)]` makes it.
    const OPEN: bool;

    /// Reads the struct from the object's entries.
    fn from_object<'de, A: de::MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// `Deserialize::deserialize` of every model struct: one visitor, shared.
/// Reads a map, or (where the format or the input has one) a sequence of
/// every field in table order, as serde's derive does.
#[doc(hidden)]
#[inline]
pub fn deserialize_object<'de, D: Deserializer<'de>, T: FromObject>(deserializer: D) -> Result<T, D::Error> {
    struct ObjectVisitor<T>(PhantomData<T>);
    impl<'de, T: FromObject> Visitor<'de> for ObjectVisitor<T> {
        type Value = T;
        fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(formatter, "struct {}", T::NAME)
        }
        #[inline]
        fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::from_object(map)
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
            if T::OPEN {
                return Err(de::Error::invalid_type(de::Unexpected::Seq, &self));
            }
            T::from_object(SeqAsMap { seq, fields: T::FIELDS, next: 0, name: T::NAME, ended: false })
        }
    }
    if T::OPEN {
        deserializer.deserialize_map(ObjectVisitor(PhantomData))
    } else {
        deserializer.deserialize_struct(T::NAME, T::FIELDS, ObjectVisitor(PhantomData))
    }
}

/// A sequence read as the map of its elements under the fields' names, in
/// table order. As with serde's derive (and `#[serde(default)]` on the
/// fields that may be absent), a shorter sequence leaves the remaining
/// fields absent: fine for those that may be, `missing field` for the
/// others.
struct SeqAsMap<A> {
    seq: A,
    fields: &'static [&'static str],
    next: usize,
    name: &'static str,
    ended: bool,
}

impl<'de, A: de::SeqAccess<'de>> de::MapAccess<'de> for SeqAsMap<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        // Formats that know how many elements are left end here.
        if self.ended || self.seq.size_hint() == Some(0) {
            return Ok(None);
        }
        let Some(name) = self.fields.get(self.next) else { return Ok(None) };
        seed.deserialize(de::value::BorrowedStrDeserializer::new(name)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        let index = self.next;
        self.next += 1;
        let mut seed = Some(seed);
        if let Some(value) = self.seq.next_element_seed(Taken(&mut seed))? {
            return Ok(value);
        }
        // The sequence ended before this field: it is absent (`None` for an
        // `Option`, `invalid length` for anything else), and so are the
        // fields after it.
        self.ended = true;
        match seed.take() {
            Some(seed) => seed.deserialize(Missing { index, name: self.name, len: self.fields.len(), error: PhantomData }),
            None => Err(de::Error::custom("a sequence element was read twice")),
        }
    }
}

/// A seed lent to `next_element_seed`, so that it is still there when the
/// sequence has ended.
struct Taken<'a, V>(&'a mut Option<V>);

impl<'de, V: DeserializeSeed<'de>> DeserializeSeed<'de> for Taken<'_, V> {
    type Value = V::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        match self.0.take() {
            Some(seed) => seed.deserialize(deserializer),
            None => Err(de::Error::custom("a sequence element was read twice")),
        }
    }
}

/// A field past the end of a sequence: `None` as an `Option`, else the
/// sequence's `invalid length`.
struct Missing<E> {
    index: usize,
    name: &'static str,
    len: usize,
    error: PhantomData<E>,
}

impl<'de, E: de::Error> Deserializer<'de> for Missing<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, E> {
        Err(E::invalid_length(self.index, &ExpectedFields(self.name, self.len)))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit unit_struct
        newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

struct ExpectedFields(&'static str, usize);

impl de::Expected for ExpectedFields {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "struct {} with {} elements", self.0, self.1)
    }
}

/// Whether the property at `position` is read as `Option<T>` (null is
/// `None`). `presences` has a letter per property, in table order: the
/// first letter of its [`__impl_object!`](crate::__impl_object) table word
/// (one string literal per struct, which costs the compiler no constant to
/// evaluate): `r`equired (always there: the field is `T`), `n`ullable
/// (always there, may be null: `Option<T>`; absent is read leniently as
/// null), `o`ptional (may be absent or null: `Option<T>`), `p`resent (may
/// be absent, or there and null: `Option<Option<T>>`, whose `T` is read).
#[inline]
fn or_null(presences: &[u8], position: usize) -> bool {
    matches!(presences.get(position), Some(b'n' | b'o'))
}

/// Where one property's value is decoded to: an `Option<T>` local of
/// `from_object`, as a trait object so that one [`read_object`] (generic
/// over the input only) serves every struct.
#[doc(hidden)]
pub trait Slot<'de, A: de::MapAccess<'de>> {
    /// Reads the entry's value: `T` into `Some`, or, when `or_null`, an
    /// `Option<T>` (null → `None`).
    fn read(&mut self, map: &mut A, or_null: bool) -> Result<(), A::Error>;
}

impl<'de, A: de::MapAccess<'de>, T: Deserialize<'de>> Slot<'de, A> for Option<T> {
    #[inline]
    fn read(&mut self, map: &mut A, or_null: bool) -> Result<(), A::Error> {
        *self = if or_null { map.next_value()? } else { Some(map.next_value()?) };
        Ok(())
    }
}

/// Where the properties a struct does not list go (its
/// `additional_properties`).
#[doc(hidden)]
pub trait RestSlot<'de, A: de::MapAccess<'de>> {
    /// Reads the entry's value and keeps it under its key.
    fn insert(&mut self, map: &mut A, key: Key<'de>) -> Result<(), A::Error>;
}

impl<'de, A: de::MapAccess<'de>, V: Deserialize<'de>> RestSlot<'de, A> for std::collections::BTreeMap<String, V> {
    fn insert(&mut self, map: &mut A, key: Key<'de>) -> Result<(), A::Error> {
        let value = map.next_value()?;
        self.insert(key.into_string(), value);
        Ok(())
    }
}

/// Structs with more properties than this find keys through a hash table
/// when the predicted one misses; smaller ones scan.
const SCAN_AT_MOST: usize = 8;

/// What a struct's decoder learns about its input, one per struct (a
/// `static` in its decoder), built when the first object is read: the
/// position of each property by name (structs with many properties), and
/// which property followed each one in the last object read.
#[doc(hidden)]
pub struct FieldIndex(OnceLock<Learned>);

struct Learned {
    /// The key order (empty, so never a guess, beyond `u16` positions).
    order: Box<[AtomicU32]>,
    /// Positions by name, for structs with more than [`SCAN_AT_MOST`]
    /// properties.
    by_name: Option<HashMap<&'static str, usize, BuildHasherDefault<FxHasher>>>,
}

/// The key order a server writes, learned: `order[i]` holds the positions
/// of the properties that followed property `i` in the last two different
/// orders seen (`order[len]`: the first ones). Objects of one type from
/// one server come in one order, so after the first object the predicted
/// property is nearly always the next key, whatever order the server keeps
/// (the schema's or another); two candidates keep that true when one
/// document mixes two orders of a type (say a repository and a head
/// repository written by different code). A prediction is only a
/// candidate, compared with the key like any other; a wrong one costs the
/// lookup it saves. Shared by every thread reading the struct: relaxed
/// loads and stores, as a stale guess is harmless.
struct Order<'a>(&'a [AtomicU32]);

/// No candidate (an empty half of an [`Order`] entry).
const NO_GUESS: u32 = 0xFFFF;

/// The more recent candidate's half of an [`Order`] entry (the low 16
/// bits; the other is above it).
const RECENT: u32 = 0xFFFF;

impl Order<'_> {
    /// The order of the table, as the first guess.
    fn table(len: usize) -> Box<[AtomicU32]> {
        // (`len` fits: larger tables have no order.)
        (0..=len).map(|position| AtomicU32::new(if position == len { 0 } else { position as u32 + 1 } | NO_GUESS << 16)).collect()
    }

    /// The positions expected after `previous`: the more recent first.
    #[inline]
    fn after(&self, previous: usize) -> (usize, usize) {
        match self.0.get(previous) {
            Some(next) => {
                let both = next.load(Ordering::Relaxed);
                ((both & RECENT) as usize, (both >> 16) as usize)
            }
            None => (usize::MAX, usize::MAX),
        }
    }

    /// `position` came after `previous`, where neither candidate did: it
    /// becomes the first, the first the second.
    #[inline]
    fn learn(&self, previous: usize, position: usize) {
        if let (Some(slot), Ok(position)) = (self.0.get(previous), u16::try_from(position)) {
            let first = slot.load(Ordering::Relaxed) & RECENT;
            slot.store(u32::from(position) | first << 16, Ordering::Relaxed);
        }
    }
}

impl FieldIndex {
    /// An index not built yet (a constant, so that each struct's `static`
    /// copies it rather than evaluating a call; only ever a `static`'s
    /// initializer, never borrowed as a constant).
    #[allow(clippy::declare_interior_mutable_const)]
    pub const NEW: Self = Self(OnceLock::new());

    /// What was learned of the struct whose properties are `fields`.
    #[inline]
    fn learned(&self, fields: &'static [&'static str]) -> &Learned {
        self.0.get_or_init(|| Learned {
            order: if fields.len() < usize::from(u16::MAX) { Order::table(fields.len()) } else { Box::new([]) },
            by_name: (fields.len() > SCAN_AT_MOST).then(|| {
                let mut index = HashMap::with_capacity_and_hasher(fields.len(), BuildHasherDefault::default());
                // The first of a repeated name wins, as in a scan.
                for (position, field) in fields.iter().enumerate().rev() {
                    index.insert(*field, position);
                }
                index
            }),
        })
    }
}

impl Learned {
    fn position(&self, fields: &'static [&'static str], key: &str) -> Option<usize> {
        match &self.by_name {
            Some(index) => index.get(key).copied(),
            None => fields.iter().position(|field| same_key(field, key)),
        }
    }
}

/// The multiply-rotate hash rustc uses for its own tables: a few cycles per
/// word, plenty for a struct's property names (not exposed to input that
/// could choose collisions to any effect: a table holds only its struct's
/// own names, and a miss costs one probe sequence).
#[derive(Default)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let mut tail = [0; 8];
        tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        self.add(u64::from_le_bytes(tail) ^ (bytes.len() as u64));
    }

    #[inline]
    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// Which properties were read, so that a repeated key is an error: a bit
/// per property in one word (structs of up to 64 properties: a shift and a
/// test per key), else a flag per property.
struct Seen {
    small: u64,
    large: Vec<bool>,
}

impl Seen {
    #[inline]
    fn new(len: usize) -> Self {
        Self { small: 0, large: if len > 64 { vec![false; len] } else { Vec::new() } }
    }

    /// Marks `position`; false if it was marked already.
    #[inline]
    fn mark(&mut self, position: usize) -> bool {
        if self.large.is_empty() {
            let bit = 1u64 << (position & 63);
            let fresh = self.small & bit == 0;
            self.small |= bit;
            fresh
        } else {
            self.large.get_mut(position).is_some_and(|seen| !std::mem::replace(seen, true))
        }
    }
}

/// `a == b` for property names, inline: names are short, and a call into
/// `memcmp` per key costs more than comparing one or two words.
#[inline(always)]
fn same_key(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let length = a.len();
    if length != b.len() {
        return false;
    }
    let word = |bytes: &[u8], at: usize| bytes.get(at..at + 8).and_then(|eight| <[u8; 8]>::try_from(eight).ok()).map(u64::from_ne_bytes);
    let half = |bytes: &[u8], at: usize| bytes.get(at..at + 4).and_then(|four| <[u8; 4]>::try_from(four).ok()).map(u32::from_ne_bytes);
    match length {
        // Two overlapping words cover 8 to 16 bytes, four 17 to 32, two
        // halves 4 to 7.
        8..=16 => word(a, 0) == word(b, 0) && word(a, length - 8) == word(b, length - 8),
        17..=32 => {
            word(a, 0) == word(b, 0)
                && word(a, 8) == word(b, 8)
                && word(a, length - 16) == word(b, length - 16)
                && word(a, length - 8) == word(b, length - 8)
        }
        4..=7 => half(a, 0) == half(b, 0) && half(a, length - 4) == half(b, length - 4),
        0..=3 => a.iter().zip(b).all(|(x, y)| x == y),
        _ => a == b,
    }
}

/// The loop of every model struct's decoder: each entry's value goes to
/// the slot of the field its key names (`fields`, `presences` and `slots`
/// in the same order), or to `rest`, or is skipped; a key read twice is
/// serde's `duplicate field` error. Values are decoded as they are read,
/// so a failure names its JSON path.
#[doc(hidden)]
pub fn read_object<'de, A: de::MapAccess<'de>>(
    mut map: A,
    fields: &'static [&'static str],
    presences: &'static str,
    slots: &mut [&mut dyn Slot<'de, A>],
    mut rest: Option<&mut dyn RestSlot<'de, A>>,
    index: &FieldIndex,
) -> Result<(), A::Error> {
    // The macro writes the three tables together, one entry per property;
    // cut to one length, a found position indexes each without a check.
    let (Some(slots), Some(presences)) = (slots.get_mut(..fields.len()), presences.as_bytes().get(..fields.len())) else {
        return Err(de::Error::custom("a model's property tables differ in length"));
    };
    let mut seen = Seen::new(fields.len());
    let learned = index.learned(fields);
    let order = Order(&learned.order);
    // The property the last key named (`fields.len()`: none yet).
    let mut previous = fields.len();
    while let Some(key) = map.next_key::<Key<'de>>()? {
        let key_text = key.as_str();
        // The properties expected next: those that followed the previous
        // one lately.
        let (expected, other) = order.after(previous);
        let position = match (fields.get(expected), fields.get(other)) {
            (Some(field), _) if same_key(field, key_text) => expected,
            (_, Some(field)) if same_key(field, key_text) => other,
            _ => match learned.position(fields, key_text) {
                Some(position) => {
                    order.learn(previous, position);
                    position
                }
                None => {
                    match rest.as_deref_mut() {
                        Some(rest) => rest.insert(&mut map, key)?,
                        None => {
                            map.next_value::<de::IgnoredAny>()?;
                        }
                    }
                    continue;
                }
            },
        };
        // (`position` is in `fields`, and `slots` has as many.)
        if let (Some(name), Some(slot)) = (fields.get(position), slots.get_mut(position)) {
            if !seen.mark(position) {
                return Err(de::Error::duplicate_field(name));
            }
            // `Some(T)`, or, for a property that may be null, `Option<T>`
            // (a `present` property's `T` is itself an `Option`).
            slot.read(&mut map, or_null(presences, position))?;
            previous = position;
        }
    }
    Ok(())
}

/// A property that may be absent, moved from its slot into the struct
/// through a call rather than named in the struct expression. The value is
/// the same; the optimized code is not: measured with cachegrind, decoding
/// GitHub's issues (whose `Option`s of large nested structs, such as
/// `repository`, are mostly absent) took 3.8 % fewer instructions, 432.6 M
/// → 416.3 M, with fewer bytes copied; other bodies were unchanged
/// (docs/performance.md).
#[doc(hidden)]
#[inline(always)]
pub fn moved<T>(value: T) -> T {
    value
}

/// The error for a required property the object lacks.
#[doc(hidden)]
pub fn missing<E: de::Error>(property: &'static str) -> E {
    E::missing_field(property)
}

/// Where a struct's properties are written: the state of a
/// `serialize_struct` ([`StructWriter`], no additional properties) or of
/// a `serialize_map` ([`MapWriter`]: the listed properties, then the
/// others, as serde writes `#[serde(flatten)]`). Writing does not stop at
/// an error; the first one is kept, later writes are skipped, and `end`
/// returns it — so a struct's `serialize` is one plain call per property,
/// with no `?` for the compiler to check per property.
#[doc(hidden)]
pub trait Sink {
    /// Writes one property.
    fn field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T);
    /// A property left out.
    fn skip(&mut self, name: &'static str);
}

/// A [`Sink`] writing a struct, in two passes over the same calls: the
/// first counts the properties that will be written (the length
/// `serialize_struct` takes, which MessagePack and CBOR write, as serde's
/// derive passes it), the second writes them:
///
/// ```text
/// let mut sink = StructWriter::new(serializer, "Pet");
/// while sink.next_pass() {
///     sink.required("id", &self.id);
///     sink.optional("tag", &self.tag);
/// }
/// sink.end()
/// ```
///
/// Counting with the writing calls themselves costs the compiler nothing
/// per property; an expression per property saying whether it is written
/// cost about a quarter of the `cargo check` time of a struct's
/// `Serialize` (docs/performance.md).
#[doc(hidden)]
pub struct StructWriter<S: Serializer> {
    /// Until the writing pass: the serializer and the struct's name.
    counting: Option<(S, &'static str)>,
    /// The properties counted.
    len: usize,
    /// In the writing pass, until a property fails: the struct's state.
    writing: Option<S::SerializeStruct>,
    /// The first error, which `end` returns.
    error: Option<S::Error>,
    /// Whether the counting pass has started.
    started: bool,
}

impl<S: Serializer> StructWriter<S> {
    /// A writer of struct `name`.
    #[inline]
    pub fn new(serializer: S, name: &'static str) -> Self {
        Self { counting: Some((serializer, name)), len: 0, writing: None, error: None, started: false }
    }

    /// Starts the next pass over the properties: true for the counting
    /// pass and the writing one, then false. (Two tests, not a `match`
    /// over the passes: a jump table there was an indirect branch that
    /// went elsewhere on each call, mispredicted twice per struct.)
    #[inline]
    pub fn next_pass(&mut self) -> bool {
        if !self.started {
            self.started = true;
            return true;
        }
        if let Some((serializer, name)) = self.counting.take() {
            match serializer.serialize_struct(name, self.len) {
                Ok(state) => {
                    self.writing = Some(state);
                    return true;
                }
                Err(error) => self.error = Some(error),
            }
        }
        false
    }

    /// Ends the struct, or returns the first error a property met.
    #[inline]
    pub fn end(self) -> Result<S::Ok, S::Error> {
        match (self.error, self.writing) {
            (Some(error), _) => Err(error),
            (None, Some(state)) => state.end(),
            (None, None) => Err(serde::ser::Error::custom("a struct was ended before its properties were written")),
        }
    }
}

impl<S: Serializer> Sink for StructWriter<S> {
    #[inline]
    fn field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        match &mut self.writing {
            Some(state) => {
                if let Err(error) = state.serialize_field(name, value) {
                    self.error = Some(error);
                    self.writing = None;
                }
            }
            // Counting (or failed: then the count is not used).
            None => self.len += 1,
        }
    }
    #[inline]
    fn skip(&mut self, name: &'static str) {
        if let Some(state) = &mut self.writing
            && let Err(error) = state.skip_field(name)
        {
            self.error = Some(error);
            self.writing = None;
        }
    }
}

/// A [`Sink`] writing a map: a struct with additional properties (one
/// pass: a map's length is not needed up front).
#[doc(hidden)]
pub struct MapWriter<S: Serializer> {
    state: S::SerializeMap,
    error: Option<S::Error>,
}

impl<S: Serializer> MapWriter<S> {
    /// Starts the map.
    #[inline]
    pub fn new(serializer: S) -> Result<Self, S::Error> {
        Ok(Self { state: serializer.serialize_map(None)?, error: None })
    }

    /// Writes the additional properties and ends the map, or returns the
    /// first error.
    pub fn end<V: Serialize>(mut self, rest: &std::collections::BTreeMap<String, V>) -> Result<S::Ok, S::Error> {
        if let Some(error) = self.error {
            return Err(error);
        }
        for (key, value) in rest {
            self.state.serialize_entry(key, value)?;
        }
        self.state.end()
    }
}

impl<S: Serializer> Sink for MapWriter<S> {
    #[inline]
    fn field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        if self.error.is_none()
            && let Err(error) = self.state.serialize_entry(name, value)
        {
            self.error = Some(error);
        }
    }
    #[inline]
    fn skip(&mut self, _: &'static str) {}
}

/// The writers' calls, one per property, named by its presence in the
/// table and made as serde's derive makes them, in table order (inherent
/// methods: the compiler finds them without a trait lookup per property).
macro_rules! writer_methods {
    ($($writer:ident),*) => {$(
        impl<S: Serializer> $writer<S> {
            /// A required property: always written.
            #[inline]
            pub fn required<T: Serialize>(&mut self, name: &'static str, value: &T) {
                Sink::field(self, name, value);
            }
            /// A required nullable property: always written, `None` as `null`.
            #[inline]
            pub fn nullable<T: Serialize>(&mut self, name: &'static str, value: &Option<T>) {
                Sink::field(self, name, value);
            }
            /// An optional property: left out when `None`.
            #[inline]
            pub fn optional<T: Serialize>(&mut self, name: &'static str, value: &Option<T>) {
                match value {
                    Some(value) => Sink::field(self, name, value),
                    None => Sink::skip(self, name),
                }
            }
            /// An optional nullable property: left out when `None`, `null`
            /// when `Some(None)`.
            #[inline]
            pub fn present<T: Serialize>(&mut self, name: &'static str, value: &Option<Option<T>>) {
                match value {
                    Some(value) => Sink::field(self, name, value),
                    None => Sink::skip(self, name),
                }
            }
        }
    )*};
}

writer_methods!(StructWriter, MapWriter);

/// `impl Serialize` and `impl Deserialize` for a model struct, from its
/// property table:
///
/// ```text
/// __impl_object!(crate::runtime; Serialize + Deserialize for Pet {
///     id: required "id" i64,           // `i64`: always there
///     name: nullable "name" String,    // `Option<String>`, always there: null → None
///     tag: optional "tag" String,      // `Option<String>`: absent (or null) → None
///     owner: present "owner" Option<Owner>, // `Option<Option<Owner>>`: absent → None, null → Some(None)
/// } ..additional_properties);          // other properties, into a map (else ignored)
/// ```
///
/// Each property names its value's type when it is there (the field's
/// type inside the `Option` of an optional property) so that the decoder's
/// locals are typed where they are declared: left to inference, every
/// property's `Deserialize` bound stays pending until the struct is built,
/// which made big structs slow to check.
///
/// The path before `;` names the runtime (`crate::runtime` in generated
/// code: the module copied into the crate, or the `oagen-runtime` crate
/// re-exported under that name; `oagen_runtime` in the runtime's own
/// tests), so the macro works wherever the runtime lives.
/// `Serialize for` or `Deserialize for` alone implement one direction.
/// Decoding is lenient where it costs nothing: a `nullable` property may
/// be absent too. Names the expansion introduces are hygienic locals or
/// start with `__` (which no generated type name does), so no spec name can
/// collide with them.
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_object {
    ($($rt:ident)::+; Serialize + Deserialize for $($object:tt)*) => {
        $crate::__impl_object!($($rt)::+; Serialize for $($object)*);
        $crate::__impl_object!($($rt)::+; Deserialize for $($object)*);
    };
    ($($rt:ident)::+; Serialize for $name:ident { $($field:ident : $presence:ident $wire:literal $value:ty),* $(,)? }) => {
        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                use $($rt)::+::__private as __p;
                let mut sink = __p::StructWriter::<__S>::new(serializer, ::std::stringify!($name));
                // Counting the properties written (`serialize_struct`'s
                // length), then writing them.
                while sink.next_pass() {
                    $( sink.$presence($wire, &self.$field); )*
                }
                sink.end()
            }
        }
    };
    ($($rt:ident)::+; Serialize for $name:ident { $($field:ident : $presence:ident $wire:literal $value:ty),* $(,)? } .. $rest:ident) => {
        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                use $($rt)::+::__private as __p;
                #[allow(unused_mut)] // (a struct without listed properties)
                let mut sink = __p::MapWriter::<__S>::new(serializer)?;
                $( sink.$presence($wire, &self.$field); )*
                sink.end(&self.$rest)
            }
        }
    };
    ($($rt:ident)::+; Deserialize for $name:ident { $($field:ident : $presence:ident $wire:literal $value:ty),* $(,)? } $(.. $rest:ident)?) => {
        impl $($rt)::+::__private::FromObject for $name {
            const NAME: &'static str = ::std::stringify!($name);
            const FIELDS: &'static [&'static str] = &[$($wire),*];
            const OPEN: bool = $crate::__impl_object!(@open $($rest)?);
            fn from_object<'de, __A: ::serde::de::MapAccess<'de>>(map: __A) -> ::std::result::Result<Self, __A::Error> {
                use $($rt)::+::__private as __p;
                static INDEX: __p::FieldIndex = __p::FieldIndex::NEW;
                $( let mut $field = ::std::option::Option::None::<$value>; )*
                $( let mut $rest = ::std::collections::BTreeMap::new(); )?
                __p::read_object(
                    map,
                    <Self as __p::FromObject>::FIELDS,
                    ::std::concat!($( $crate::__impl_object!(@letter $presence) ),*),
                    &mut [ $( &mut $field, )* ],
                    $crate::__impl_object!(@rest $($rest)?),
                    &INDEX,
                )?;
                ::std::result::Result::Ok(Self {
                    $( $field: $crate::__impl_object!(@finish $presence $field $wire), )*
                    $( $rest, )?
                })
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            #[inline]
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                $($rt)::+::__private::deserialize_object(deserializer)
            }
        }
    };
    (@open $rest:ident) => { true };
    (@open) => { false };
    (@letter required) => { "r" };
    (@letter nullable) => { "n" };
    (@letter optional) => { "o" };
    (@letter present) => { "p" };
    (@finish required $field:ident $wire:literal) => {
        match $field {
            ::std::option::Option::Some(value) => value,
            ::std::option::Option::None => return ::std::result::Result::Err(__p::missing($wire)),
        }
    };
    (@finish $presence:ident $field:ident $wire:literal) => { __p::moved($field) };
    (@rest $rest:ident) => { ::std::option::Option::Some(&mut $rest) };
    (@rest) => { ::std::option::Option::None };
}

#[cfg(test)]
mod tests {
    use super::{FieldIndex, NO_GUESS, Order, StructWriter, read_object, same_key};

    #[test]
    fn property_tables_of_different_lengths_are_an_error_not_a_panic() {
        use serde::de::value::{Error, MapDeserializer};
        static INDEX: FieldIndex = FieldIndex::NEW;
        let mut a: Option<i64> = None;
        let map = MapDeserializer::<_, Error>::new(std::iter::once(("a", 1i64)));
        let result = read_object(map, &["a", "b"], "rr", &mut [&mut a], None, &INDEX);
        assert!(result.is_err_and(|error| error.to_string().contains("differ in length")));
        let mut b: Option<i64> = None;
        let map = MapDeserializer::<_, Error>::new(std::iter::once(("a", 1i64)));
        let result = read_object(map, &["a", "b"], "r", &mut [&mut a, &mut b], None, &INDEX);
        assert!(result.is_err_and(|error| error.to_string().contains("differ in length")));
        let map = MapDeserializer::<_, Error>::new(std::iter::once(("b", 2i64)));
        let result = read_object(map, &["a", "b"], "rr", &mut [&mut a, &mut b], None, &INDEX);
        assert!(result.is_ok(), "{result:?}");
        assert_eq!((a, b), (None, Some(2)));
    }

    #[test]
    fn the_key_order_is_the_tables_until_others_are_seen() {
        let slots = Order::table(3);
        let order = Order(&slots);
        let none = NO_GUESS as usize;
        // Start, then the table's order; past the last property, nothing.
        assert_eq!([order.after(3), order.after(0), order.after(1), order.after(2)], [(0, none), (1, none), (2, none), (3, none)]);
        // A server writing 2, 0, 1.
        order.learn(3, 2);
        order.learn(2, 0);
        order.learn(1, 3);
        assert_eq!([order.after(3), order.after(2), order.after(0), order.after(1)], [(2, 0), (0, 3), (1, none), (3, 2)]);
        // Then one writing 1, 0, 2 as well: both orders are candidates.
        order.learn(3, 1);
        order.learn(1, 0);
        order.learn(0, 2);
        assert_eq!([order.after(3), order.after(1), order.after(0)], [(1, 2), (0, 3), (2, 1)]);
        assert_eq!(order.after(9), (usize::MAX, usize::MAX), "out of the table: no guess");
        order.learn(9, 1);
    }

    #[test]
    fn a_struct_writer_writes_what_is_there_and_keeps_the_first_error() {
        struct Failing(&'static str);
        impl serde::Serialize for Failing {
            fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom(self.0))
            }
        }
        let mut written = Vec::new();
        let mut serializer = serde_json::Serializer::new(&mut written);
        let mut sink = StructWriter::new(&mut serializer, "Pet");
        let mut passes = 0;
        while sink.next_pass() {
            passes += 1;
            sink.required("id", &1);
            sink.optional("tag", &None::<String>);
            sink.present("owner", &Some(None::<String>));
        }
        assert!(sink.end().is_ok());
        assert_eq!((passes, String::from_utf8_lossy(&written).as_ref()), (2, r#"{"id":1,"owner":null}"#));

        let mut serializer = serde_json::Serializer::new(Vec::new());
        let mut sink = StructWriter::new(&mut serializer, "Pet");
        while sink.next_pass() {
            sink.required("id", &1);
            sink.required("first", &Failing("the first"));
            sink.required("second", &Failing("the second"));
        }
        assert_eq!(sink.end().map_err(|error| error.to_string()).err().as_deref(), Some("the first"));

        let mut serializer = serde_json::Serializer::new(Vec::new());
        let sink = StructWriter::new(&mut serializer, "Pet");
        assert!(sink.end().is_err(), "ended before any pass");
    }

    #[test]
    fn same_key_is_string_equality_at_every_length() {
        let text = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ";
        for length in 0..=text.len() {
            let name = &text[..length];
            assert!(same_key(name, name), "{name}");
            for at in 0..length {
                // One byte different, at every position.
                let mut other = name.as_bytes().to_vec();
                other[at] = b'_';
                let other = String::from_utf8(other).unwrap_or_default();
                assert!(!same_key(name, &other), "{name} vs {other}");
            }
            assert!(!same_key(name, &text[..length.saturating_sub(1)]) || length == 0, "{name}: a prefix");
        }
    }
}
