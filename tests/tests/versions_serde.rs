//! Serde behaviour of models generated from OpenAPI 3.1 and Swagger 2.0
//! fixtures: `type` arrays (nullable and unions), `const`, `null` members
//! of `oneOf`, `$ref`s into `$defs`, `x-nullable`.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

fn decode<T: DeserializeOwned>(value: &Value) -> T {
    match serde_json::from_value(value.clone()) {
        Ok(decoded) => decoded,
        Err(error) => panic!("{value} must decode as {}: {error}", std::any::type_name::<T>()),
    }
}

fn encode<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("serializes")
}

mod oas31_schemas {
    use super::*;
    use tests::oas31_schemas::types::{Size, Thing, ThingKind, ThingScore};

    fn thing(extra: Value) -> Value {
        let mut value = json!({"id": 1, "kind": "thing", "label": "a", "score": 3});
        if let (Some(map), Value::Object(extra)) = (value.as_object_mut(), extra) {
            map.extend(extra);
        }
        value
    }

    #[test]
    fn const_is_a_one_value_enum_that_round_trips() {
        let decoded: Thing = decode(&thing(json!({})));
        assert_eq!(decoded.kind, ThingKind::Thing);
        assert_eq!(encode(&decoded)["kind"], "thing");
        let other: Thing = decode(&thing(json!({"kind": "other"})));
        assert_eq!(other.kind, ThingKind::Unknown("other".to_owned()), "an unexpected value still decodes");
    }

    #[test]
    fn a_type_array_with_null_is_an_option() {
        let decoded: Thing = decode(&thing(json!({"label": null})));
        assert_eq!(decoded.label, None);
        assert_eq!(encode(&decoded)["label"], Value::Null, "required and nullable: sent as null");
        let decoded: Thing = decode(&thing(json!({})));
        assert_eq!(decoded.label.as_deref(), Some("a"));
    }

    #[test]
    fn a_type_array_of_several_types_is_a_union() {
        let number: Thing = decode(&thing(json!({"score": 7})));
        assert_eq!(number.score, ThingScore::Integer(7));
        let text: Thing = decode(&thing(json!({"score": "seven"})));
        assert_eq!(text.score, ThingScore::String("seven".to_owned()));
        assert_eq!(encode(&text)["score"], "seven");
    }

    /// A `$ref` to a component declared later whose `anyOf` has a `null`
    /// alternative is nullable where it is used (OpenAI's
    /// `Response.error: $ref ResponseError`, `null` on every success).
    #[test]
    fn a_ref_to_a_later_component_with_a_null_alternative_is_an_option() {
        let decoded: Thing = decode(&thing(json!({"failure": null})));
        assert_eq!(decoded.failure, Some(None), "present and null");
        assert_eq!(encode(&decoded)["failure"], Value::Null);
        let decoded: Thing = decode(&thing(json!({"failure": {"code": "server_error"}})));
        assert_eq!(decoded.failure.flatten().map(|failure| failure.code), Some("server_error".to_owned()));
    }

    #[test]
    fn a_null_member_of_one_of_makes_the_other_member_optional() {
        let absent: Thing = decode(&thing(json!({})));
        assert_eq!(absent.note, None);
        let null: Thing = decode(&thing(json!({"note": null})));
        assert_eq!(null.note, Some(None));
        let text: Thing = decode(&thing(json!({"note": "hi"})));
        assert_eq!(text.note, Some(Some("hi".to_owned())));
    }

    #[test]
    fn refs_into_defs_and_tuples_and_conditionals_decode() {
        let decoded: Thing = decode(&thing(json!({"size": "large", "point": [1.5, 2], "conditional": {"a": 1}})));
        assert_eq!(decoded.size, Some(Size::Large));
        assert_eq!(decoded.point, Some(vec![json!(1.5), json!(2)]));
        assert_eq!(decoded.conditional, Some(Some(json!({"a": 1}))));
    }
}

mod swagger2_basics {
    use super::*;
    use tests::swagger2_basics::types::Pet;

    #[test]
    fn x_nullable_distinguishes_absent_null_and_value() {
        let base = json!({"id": 1, "name": "Rex", "kind": "dog"});
        let absent: Pet = decode(&base);
        assert_eq!(absent.tag, None);
        assert!(encode(&absent).get("tag").is_none());
        let mut with_null = base.clone();
        with_null["tag"] = Value::Null;
        let null: Pet = decode(&with_null);
        assert_eq!(null.tag, Some(None));
        assert_eq!(encode(&null)["tag"], Value::Null);
    }
}

mod swagger2_polymorphism {
    use super::*;
    use tests::swagger2_polymorphism::types::{Cat, CatHuntingSkill, Dog, Pet};

    #[test]
    fn the_discriminator_picks_the_definition_that_extends_the_base() {
        let cat = json!({"name": "Tom", "petType": "Cat", "huntingSkill": "lazy"});
        let decoded: Pet = decode(&cat);
        let expected = Cat { name: "Tom".into(), hunting_skill: CatHuntingSkill::Lazy };
        assert_eq!(decoded, Pet::Cat(expected));
        assert_eq!(encode(&decoded), cat, "round-trips with its discriminator");
        let text = serde_json::to_string(&decoded).expect("serializes");
        assert!(text.starts_with(r#"{"petType":"Cat","#), "the union writes the tag first: {text}");
        let dog = json!({"name": "Rex", "petType": "Dog", "packSize": 3});
        assert_eq!(decode::<Pet>(&dog), Pet::Dog(Dog { name: "Rex".into(), pack_size: 3 }));
    }

    #[test]
    fn unknown_kinds_are_kept_and_bad_known_kinds_fail() {
        let bird = json!({"name": "Tweety", "petType": "Bird", "wingspan": 12});
        assert_eq!(decode::<Pet>(&bird), Pet::Unknown(bird.clone()));
        assert_eq!(encode(&Pet::Unknown(bird.clone())), bird);
        let bad_cat = json!({"name": "Tom", "petType": "Cat"});
        let error = serde_json::from_value::<Pet>(bad_cat).expect_err("a cat without its required field is an error");
        assert!(error.to_string().contains("huntingSkill"), "{error}");
    }
}
