//! Decoding model structs from JSON objects.
//!
//! Generated structs derive `Serialize` but implement `Deserialize` through
//! [`__deserialize_object!`](crate::__deserialize_object): one `visit_map`
//! with one match arm per property. serde's derive emits several visitors
//! per struct (field identifiers by index, name and bytes, sequences,
//! duplicate checks), which on APIs with thousands of models is most of the
//! time `cargo check` takes; JSON needs none of it. Values are decoded as
//! they are read (no intermediate `serde_json::Value`), so a failure still
//! names its JSON path.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// An object key, borrowed from the input when it can be.
#[doc(hidden)]
pub struct Key<'de>(pub Cow<'de, str>);

impl<'de> Key<'de> {
    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key, owned.
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a property name")
            }
            fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(key)))
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key.to_owned())))
            }
            fn visit_string<E: de::Error>(self, key: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// The error for a required property the object lacks.
#[doc(hidden)]
pub fn missing<E: de::Error>(property: &'static str) -> E {
    E::missing_field(property)
}

/// A model struct read from the entries of a JSON object (implemented by
/// [`__deserialize_object!`](crate::__deserialize_object)).
#[doc(hidden)]
pub trait FromObject: Sized {
    /// The struct's name, for "expected a … object".
    const NAME: &'static str;

    /// Reads the struct from the object's entries.
    fn from_object<'de, A: de::MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// `Deserialize::deserialize` of every model struct: one visitor, shared.
#[doc(hidden)]
pub fn deserialize_object<'de, D: Deserializer<'de>, T: FromObject>(deserializer: D) -> Result<T, D::Error> {
    struct ObjectVisitor<T>(PhantomData<T>);
    impl<'de, T: FromObject> Visitor<'de> for ObjectVisitor<T> {
        type Value = T;
        fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(formatter, "a {} object", T::NAME)
        }
        fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::from_object(map)
        }
    }
    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

/// How [`__deserialize_object!`](crate::__deserialize_object) reads one
/// property's value into its slot, by presence (the macro calls the
/// function its table names, so each property costs one call, not a
/// `match` of its own: the macro is expanded for every model of an API).
#[doc(hidden)]
pub mod entry {
    use serde::de::{Deserialize, MapAccess};

    /// A required property: absent is an error (checked when the object ends).
    pub fn required<'de, A: MapAccess<'de>, T: Deserialize<'de>>(map: &mut A, slot: &mut Option<T>) -> Result<(), A::Error> {
        *slot = Some(map.next_value()?);
        Ok(())
    }

    /// An optional property (`Option<T>`): absent or null → `None`.
    pub fn optional<'de, A: MapAccess<'de>, T: Deserialize<'de>>(map: &mut A, slot: &mut Option<T>) -> Result<(), A::Error> {
        *slot = map.next_value()?;
        Ok(())
    }

    /// A nullable optional property (`Option<Option<T>>`): absent → `None`,
    /// null → `Some(None)`.
    pub fn present<'de, A: MapAccess<'de>, T: Deserialize<'de>>(map: &mut A, slot: &mut Option<Option<T>>) -> Result<(), A::Error> {
        *slot = Some(map.next_value()?);
        Ok(())
    }

    /// A property the struct does not list, kept in its map of the rest.
    pub fn other<'de, A: MapAccess<'de>, V: Deserialize<'de>>(map: &mut A, key: super::Key<'de>, rest: &mut std::collections::BTreeMap<String, V>) -> Result<(), A::Error> {
        let value = map.next_value()?;
        rest.insert(key.into_string(), value);
        Ok(())
    }

    /// A property the struct does not list, skipped.
    pub fn ignored<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
        map.next_value::<serde::de::IgnoredAny>().map(|_| ())
    }
}

/// `impl Deserialize` for a model struct, from its properties:
///
/// ```text
/// __deserialize_object!(Pet {
///     id: required "id",          // absent: an error
///     tag: optional "tag",        // `Option<T>`: absent or null → None
///     owner: present "owner",     // `Option<Option<T>>`: absent → None, null → Some(None)
/// } ..additional_properties);     // other properties, into a map (else ignored)
/// ```
///
/// (Written out with `match` rather than `?`, and with one [`entry`] call
/// per property: it is expanded for every model of an API, and each `?` or
/// `match` per property costs the type and borrow checkers.)
#[doc(hidden)]
#[macro_export]
macro_rules! __deserialize_object {
    ($name:ident { $($field:ident : $presence:ident $wire:literal),* $(,)? } $(.. $rest:ident)?) => {
        impl $crate::runtime::FromObject for $name {
            const NAME: &'static str = ::std::stringify!($name);
            fn from_object<'de, A: ::serde::de::MapAccess<'de>>(mut map: A) -> ::std::result::Result<Self, A::Error> {
                $( let mut $field = ::std::option::Option::None; )*
                $( let mut $rest = ::std::collections::BTreeMap::new(); )?
                loop {
                    let key = match map.next_key::<$crate::runtime::Key>() {
                        ::std::result::Result::Ok(::std::option::Option::Some(key)) => key,
                        ::std::result::Result::Ok(::std::option::Option::None) => break,
                        ::std::result::Result::Err(error) => return ::std::result::Result::Err(error),
                    };
                    let read = match key.as_str() {
                        $( $wire => $crate::runtime::entry::$presence(&mut map, &mut $field), )*
                        _ => $crate::__deserialize_object!(@other map key $($rest)?),
                    };
                    if let ::std::result::Result::Err(error) = read {
                        return ::std::result::Result::Err(error);
                    }
                }
                ::std::result::Result::Ok(Self {
                    $( $field: $crate::__deserialize_object!(@finish $presence $field $wire), )*
                    $( $rest, )?
                })
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                $crate::runtime::deserialize_object(deserializer)
            }
        }
    };
    (@finish required $field:ident $wire:literal) => {
        match $field {
            ::std::option::Option::Some(value) => value,
            ::std::option::Option::None => return ::std::result::Result::Err($crate::runtime::missing($wire)),
        }
    };
    (@finish optional $field:ident $wire:literal) => { $field };
    (@finish present $field:ident $wire:literal) => { $field };
    (@other $map:ident $key:ident $rest:ident) => { $crate::runtime::entry::other(&mut $map, $key, &mut $rest) };
    (@other $map:ident $key:ident) => { $crate::runtime::entry::ignored(&mut $map) };
}
