//! The runtime's macros, called as generated code calls them but with this
//! crate as the runtime's path (`oagen_runtime;`): what a crate generated
//! against the shared runtime (`Runtime::Crate`) compiles to.

use std::collections::BTreeMap;

use oagen_runtime::__private::{Core, CoreBuilder};
use oagen_runtime::{Error, RetryPolicy};

#[derive(Debug, Clone, PartialEq)]
pub struct Pet {
    pub id: i64,
    pub name: Option<String>,
    pub tag: Option<String>,
    pub owner: Option<Option<Owner>>,
}

oagen_runtime::__impl_object!(oagen_runtime; Serialize + Deserialize for Pet {
    id: required "id" i64,
    name: nullable "name" String,
    tag: optional "tag" String,
    owner: present "owner" Option<Owner>,
});

#[derive(Debug, Clone, PartialEq)]
pub struct Owner {
    pub login: String,
    pub additional_properties: BTreeMap<String, serde_json::Value>,
}

oagen_runtime::__impl_object!(oagen_runtime; Serialize + Deserialize for Owner {
    login: required "login" String,
} ..additional_properties);

#[derive(Debug, Clone, PartialEq)]
pub enum PetOrOwner {
    Pet(Pet),
    Owner(Owner),
}

oagen_runtime::__impl_untagged!(oagen_runtime; Serialize + Deserialize for PetOrOwner { Pet, Owner });

#[test]
fn objects_round_trip_through_the_runtime_crates_macros() -> Result<(), serde_json::Error> {
    let text = r#"{"id":7,"name":null,"owner":{"login":"ann","since":2020}}"#;
    let pet: Pet = serde_json::from_str(text)?;
    let owner = Owner { login: "ann".to_owned(), additional_properties: BTreeMap::from([("since".to_owned(), serde_json::json!(2020))]) };
    assert_eq!(pet, Pet { id: 7, name: None, tag: None, owner: Some(Some(owner)) });
    assert_eq!(serde_json::to_string(&pet)?, text);
    // What a derive refuses, these refuse.
    let missing = serde_json::from_str::<Pet>(r#"{"name":"x"}"#).map(|_| ()).map_err(|error| error.to_string());
    assert!(missing.as_ref().is_err_and(|message| message.contains("missing field `id`")), "{missing:?}");
    let repeated = serde_json::from_str::<Pet>(r#"{"id":1,"id":2}"#).map(|_| ()).map_err(|error| error.to_string());
    assert!(repeated.as_ref().is_err_and(|message| message.contains("duplicate field `id`")), "{repeated:?}");
    Ok(())
}

/// The decoder predicts each key from the orders it has seen (two per
/// property); a prediction is only a candidate, so objects in any mix of
/// orders decode to the same values, and a repeated or missing key is
/// still found.
#[test]
fn objects_decode_the_same_in_any_mix_of_key_orders() -> Result<(), serde_json::Error> {
    let orders = [
        r#"{"id":1,"name":"a","tag":"t","owner":null}"#,
        r#"{"owner":null,"tag":"t","name":"a","id":1}"#,
        r#"{"name":"a","id":1,"owner":null,"tag":"t"}"#,
        r#"{"tag":"t","owner":null,"id":1,"name":"a"}"#,
    ];
    let expected = Pet { id: 1, name: Some("a".to_owned()), tag: Some("t".to_owned()), owner: Some(None) };
    // Every order after every other, so each learned order is wrong for
    // the next object at least once.
    let mut text = String::from("[");
    for (index, first) in orders.iter().enumerate() {
        for second in &orders {
            text.push_str(first);
            text.push(',');
            text.push_str(second);
            text.push(',');
        }
        text.push_str(if index % 2 == 0 { r#"{"tag":"t","id":1},"# } else { r#"{"id":1,"owner":null,"name":"a","tag":"t"},"# });
    }
    text.pop();
    text.push(']');
    let pets: Vec<Pet> = serde_json::from_str(&text)?;
    assert_eq!(pets.len(), 36);
    for (index, pet) in pets.iter().enumerate() {
        if index % 9 == 8 && index % 18 == 8 {
            assert_eq!(pet, &Pet { id: 1, name: None, tag: Some("t".to_owned()), owner: None }, "object {index}");
        } else {
            assert_eq!(pet, &expected, "object {index}");
        }
    }
    // After the orders are learned, a repeated key and a missing one are
    // still the derive's errors.
    for (text, error) in
        [(r#"[{"id":1,"name":"a","name":"b"}]"#, "duplicate field `name`"), (r#"[{"name":"a","tag":"t"}]"#, "missing field `id`")]
    {
        let result = serde_json::from_str::<Vec<Pet>>(text).map(|_| ()).map_err(|error| error.to_string());
        assert!(result.as_ref().is_err_and(|message| message.contains(error)), "{text}: {result:?}");
    }
    Ok(())
}

/// A key is matched while it is read, borrowed from the input or (escaped,
/// or from a reader) copied: either way it names the same property, and
/// an unknown one reaches the additional properties whole.
#[test]
fn keys_match_however_the_input_spells_them() -> Result<(), serde_json::Error> {
    let escaped = r#"{"\u0069d":7,"na\u006de":"x","owner":{"log\u0069n":"ann","s\u0069nce":2020,"plain":1}}"#;
    let owner = Owner {
        login: "ann".to_owned(),
        additional_properties: BTreeMap::from([("since".to_owned(), serde_json::json!(2020)), ("plain".to_owned(), serde_json::json!(1))]),
    };
    let expected = Pet { id: 7, name: Some("x".to_owned()), tag: None, owner: Some(Some(owner)) };
    assert_eq!(serde_json::from_str::<Pet>(escaped)?, expected);
    assert_eq!(serde_json::from_reader::<_, Pet>(escaped.as_bytes())?, expected, "keys copied from a reader");
    let value = serde_json::from_str::<serde_json::Value>(escaped)?;
    assert_eq!(serde_json::from_value::<Pet>(value)?, expected, "keys from a serde_json::Value");
    // A repeated key is one however it is spelled.
    let repeated = serde_json::from_str::<Pet>(r#"{"id":1,"\u0069d":2}"#).map(|_| ()).map_err(|error| error.to_string());
    assert!(repeated.as_ref().is_err_and(|message| message.contains("duplicate field `id`")), "{repeated:?}");
    Ok(())
}

#[test]
fn untagged_unions_take_the_first_alternative_that_decodes() -> Result<(), serde_json::Error> {
    let owner: PetOrOwner = serde_json::from_str(r#"{"login":"bo"}"#)?;
    assert!(matches!(&owner, PetOrOwner::Owner(owner) if owner.login == "bo"), "{owner:?}");
    let pet: PetOrOwner = serde_json::from_str(r#"{"id":1}"#)?;
    assert!(matches!(pet, PetOrOwner::Pet(Pet { id: 1, .. })));
    assert_eq!(serde_json::to_string(&owner)?, r#"{"login":"bo"}"#);
    Ok(())
}

/// A client and builder as the generator writes them, with the methods
/// every generated client has.
#[derive(Debug, Clone)]
pub struct Client {
    core: Core,
}

#[derive(Debug)]
pub struct ClientBuilder {
    core: CoreBuilder,
}

oagen_runtime::__client_builder_methods!(oagen_runtime; ClientBuilder);

impl ClientBuilder {
    pub fn build(self) -> Result<Client, Error> {
        Ok(Client { core: self.core.build()? })
    }
}

oagen_runtime::__client_methods!(oagen_runtime; Client);

#[test]
fn client_methods_come_from_the_runtime_crates_macros() -> Result<(), Error> {
    let client = ClientBuilder { core: CoreBuilder::new("http://127.0.0.1:1/v1") }
        .base_url("http://127.0.0.1:2/v2")
        .retry(RetryPolicy::none())
        .timeout(std::time::Duration::from_secs(1))
        .build()?;
    assert_eq!(client.base_url(), "http://127.0.0.1:2/v2");
    let other = client.with_retry(RetryPolicy::default());
    assert_eq!(other.base_url(), client.base_url());
    Ok(())
}

/// A value that cannot be written.
pub struct Refused;

impl serde::Serialize for Refused {
    fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom("refused"))
    }
}

pub struct Failing {
    pub before: i64,
    pub refused: Option<Refused>,
    pub after: Option<String>,
}

oagen_runtime::__impl_object!(oagen_runtime; Serialize for Failing {
    before: required "before" i64,
    refused: optional "refused" Refused,
    after: optional "after" String,
});

#[test]
fn a_property_that_cannot_be_written_is_the_structs_error() {
    // Counted, then written: the error is the value's, and nothing after it
    // is written.
    let failing = Failing { before: 1, refused: Some(Refused), after: Some("x".to_owned()) };
    let error = serde_json::to_string(&failing).err().map(|error| error.to_string());
    assert_eq!(error.as_deref(), Some("refused"));
    // Left out, it is not written at all: not even counted.
    let fine = Failing { before: 1, refused: None, after: Some("x".to_owned()) };
    assert_eq!(serde_json::to_string(&fine).ok().as_deref(), Some(r#"{"before":1,"after":"x"}"#));
    let pet = Pet { id: 7, name: None, tag: None, owner: Some(None) };
    assert_eq!(serde_json::to_string(&pet).ok().as_deref(), Some(r#"{"id":7,"name":null,"owner":null}"#));
}
