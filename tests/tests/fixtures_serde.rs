//! Serde behaviour of the models generated from `tests/fixtures/ok/*.yaml`
//! (the `tests` crate's library): decoding real JSON, the variant or field
//! it lands in, and serializing back to the same JSON.

// `deep_chain` and `hostile_names` nest types past the compiler's default
// limit; as their `deep-type-nesting` warning says, a crate that holds
// them sets a higher one.
#![recursion_limit = "1024"]

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use uuid::Uuid;

/// Decodes `value` as `T`; panics with the serde error otherwise.
fn decode<T: DeserializeOwned>(value: &Value) -> T {
    match serde_json::from_value(value.clone()) {
        Ok(decoded) => decoded,
        Err(error) => panic!("{value} must decode as {}: {error}", std::any::type_name::<T>()),
    }
}

/// Serializes `value` to a JSON value.
fn encode<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("serializes")
}

/// Serializes `value` to compact JSON text (field order as emitted).
fn text<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("serializes")
}

/// Decodes `input`, checks it against `expected`, serializes it back and
/// checks the result equals `input`.
fn round_trip<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(input: Value, expected: &T) {
    let decoded: T = decode(&input);
    assert_eq!(&decoded, expected, "decoded {input}");
    assert_eq!(encode(&decoded), input, "re-encoded {decoded:?}");
}

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("valid RFC 3339").with_timezone(&Utc)
}

mod one_of {
    use super::*;
    use tests::one_of::types::{
        Circle, Created, Deleted, Event, Holder, IdOrName, MaybeNumber, Shape, Source, SourcePoll, SourceWebhook, Square, Untagged,
    };

    #[test]
    fn a_constant_every_alternative_requires_chooses_the_alternative() {
        // Without the implied tag the first alternative that fits (`poll`,
        // whose fields are a subset) would win and drop `secret`.
        let webhook = json!({"kind": "webhook", "url": "https://x", "secret": "s3cr3t"});
        round_trip(webhook, &Source::Webhook(SourceWebhook { url: "https://x".to_owned(), secret: "s3cr3t".to_owned() }));
        round_trip(json!({"kind": "poll", "url": "https://y"}), &Source::Poll(SourcePoll { url: "https://y".to_owned() }));
        let other = json!({"kind": "queue", "url": "https://z"});
        assert_eq!(decode::<Source>(&other), Source::Unknown(other.clone()), "an unknown constant is kept whole");
        assert!(serde_json::from_value::<Source>(json!({"kind": "webhook", "url": "https://x"})).is_err(), "a webhook needs its secret");
    }

    #[test]
    fn shape_circle_tag_selects_circle_and_round_trips() {
        round_trip(json!({"shapeType": "circle", "radius": 1.5}), &Shape::Circle(Circle { radius: 1.5 }));
    }

    #[test]
    fn shape_square_tag_selects_square_and_round_trips() {
        round_trip(json!({"shapeType": "square", "side": 2.0}), &Shape::Square(Square { side: 2.0 }));
    }

    #[test]
    fn shape_tag_decides_even_when_the_other_variant_would_fit() {
        // Square-shaped fields, but tagged "circle" without a radius: the tag
        // decides, so this must not silently become a Square.
        let input = json!({"shapeType": "circle", "side": 2.0});
        assert!(serde_json::from_value::<Shape>(input.clone()).is_err(), "a circle without radius must not decode");
        // And a circle with an extra `side` is still a circle.
        let shape: Shape = decode(&json!({"shapeType": "circle", "radius": 3.0, "side": 2.0}));
        assert_eq!(shape, Shape::Circle(Circle { radius: 3.0 }));
    }

    #[test]
    fn the_union_writes_the_tag_its_variants_leave_to_it() {
        // The variant structs have no `shapeType` field (no wrong tag can be
        // built); the union writes it first, then the variant's fields.
        let text = serde_json::to_string(&Shape::Square(Square { side: 2.0 })).expect("serializes");
        assert_eq!(text, r#"{"shapeType":"square","side":2.0}"#);
        let text = serde_json::to_string(&Source::Poll(SourcePoll { url: "u".to_owned() })).expect("serializes");
        assert_eq!(text, r#"{"kind":"poll","url":"u"}"#);
        // Standalone, a variant is just its fields.
        assert_eq!(encode(&Circle { radius: 1.0 }), json!({"radius": 1.0}));
    }

    #[test]
    fn an_error_inside_a_variant_names_its_path() {
        let error = serde_json::from_value::<Vec<Shape>>(json!([{"shapeType": "circle", "radius": "big"}]))
            .expect_err("a string radius is an error");
        assert!(error.to_string().starts_with("radius: invalid type: string"), "{error}");
    }

    #[test]
    fn shape_unknown_tag_keeps_the_whole_object_and_round_trips() {
        let input = json!({"shapeType": "hexagon", "sides": 6, "nested": {"a": [1, null]}});
        round_trip(input.clone(), &Shape::Unknown(input));
    }

    #[test]
    fn shape_missing_or_non_string_tag_is_unknown() {
        let missing = json!({"radius": 1.0});
        round_trip(missing.clone(), &Shape::Unknown(missing));
        let numeric = json!({"shapeType": 5, "radius": 1.0});
        round_trip(numeric.clone(), &Shape::Unknown(numeric));
    }

    #[test]
    fn shape_array_decodes_each_element_by_its_own_tag() {
        let shapes: Vec<Shape> = decode(&json!([
            {"shapeType": "square", "side": 1.0},
            {"shapeType": "circle", "radius": 0.5},
            {"shapeType": "blob"}
        ]));
        assert!(matches!(shapes[0], Shape::Square(_)), "{shapes:?}");
        assert!(matches!(shapes[1], Shape::Circle(_)), "{shapes:?}");
        assert_eq!(shapes[2], Shape::Unknown(json!({"shapeType": "blob"})));
    }

    #[test]
    fn event_without_mapping_uses_schema_names_as_tags() {
        round_trip(json!({"type": "Created", "id": "e1"}), &Event::Created(Created { r#type: "Created".to_owned(), id: "e1".to_owned() }));
        round_trip(
            json!({"type": "Deleted", "id": "e2", "deletedAt": "2024-01-02T03:04:05Z"}),
            &Event::Deleted(Deleted { r#type: "Deleted".to_owned(), id: "e2".to_owned(), deleted_at: utc("2024-01-02T03:04:05Z") }),
        );
    }

    #[test]
    fn event_tag_wins_over_extra_fields_and_unknown_tag_is_kept() {
        // Tagged Created although it carries `deletedAt`: still Created.
        let event: Event = decode(&json!({
            "type": "Created", "id": "e3", "deletedAt": "2024-01-02T03:04:05Z"
        }));
        assert_eq!(event, Event::Created(Created { r#type: "Created".to_owned(), id: "e3".to_owned() }));
        // Lower-case tag is not the schema name: unknown, kept verbatim.
        let input = json!({"type": "created", "id": "e4"});
        round_trip(input.clone(), &Event::Unknown(input));
    }

    #[test]
    fn untagged_deleted_shape_decodes_as_deleted_first() {
        round_trip(
            json!({"type": "x", "id": "u1", "deletedAt": "2023-12-31T23:59:59Z"}),
            &Untagged::Deleted(Deleted { r#type: "x".to_owned(), id: "u1".to_owned(), deleted_at: utc("2023-12-31T23:59:59Z") }),
        );
    }

    #[test]
    fn untagged_created_shape_decodes_as_created() {
        round_trip(json!({"type": "x", "id": "u2"}), &Untagged::Created(Created { r#type: "x".to_owned(), id: "u2".to_owned() }));
        let error =
            serde_json::from_value::<Untagged>(json!({"type": "x"})).expect_err("an object matching neither variant must not decode");
        assert_eq!(error.to_string(), "data did not match any variant of untagged enum Untagged");
        // Nested in an object, it fails the object.
        let error = serde_json::from_value::<Holder>(json!({"untagged": {"type": "x"}})).expect_err("no variant matches");
        assert!(error.to_string().starts_with("data did not match any variant of untagged enum Untagged"), "{error}");
    }

    #[test]
    fn id_or_name_string_and_integer_variants_round_trip() {
        round_trip(json!("abc"), &IdOrName::String("abc".to_owned()));
        round_trip(json!(42), &IdOrName::Integer(42));
        round_trip(json!(-7), &IdOrName::Integer(-7));
        // A numeric-looking string stays a string.
        round_trip(json!("42"), &IdOrName::String("42".to_owned()));
        assert!(serde_json::from_value::<IdOrName>(json!(true)).is_err());
    }

    #[test]
    fn holder_maybe_is_optional_and_nullable() {
        // Type check: absent / null / value are three different states.
        let absent: Holder = decode(&json!({}));
        let _: &Option<Option<MaybeNumber>> = &absent.maybe;
        assert_eq!(absent.maybe, None);
        assert_eq!(text(&absent), "{}");

        let null: Holder = decode(&json!({"maybe": null}));
        assert_eq!(null.maybe, Some(None));
        assert_eq!(text(&null), r#"{"maybe":null}"#);

        round_trip(json!({"maybe": 2.5}), &Holder { maybe: Some(Some(MaybeNumber::Number(2.5))), ..Holder::default() });
        round_trip(json!({"maybe": false}), &Holder { maybe: Some(Some(MaybeNumber::Boolean(false))), ..Holder::default() });
    }

    #[test]
    fn holder_with_every_union_round_trips() {
        round_trip(
            json!({
                "idOrName": 9,
                "maybe": true,
                "untagged": {"type": "t", "id": "i", "deletedAt": "2020-02-29T12:00:00Z"},
                "aliases": "octocat"
            }),
            &Holder {
                id_or_name: Some(IdOrName::Integer(9)),
                maybe: Some(Some(MaybeNumber::Boolean(true))),
                untagged: Some(Untagged::Deleted(Deleted {
                    r#type: "t".to_owned(),
                    id: "i".to_owned(),
                    deleted_at: utc("2020-02-29T12:00:00Z"),
                })),
                source: None,
                aliases: Some(tests::one_of::types::Aliases::Login("octocat".to_owned())),
            },
        );
    }
}

mod enums {
    use super::*;
    use tests::enums::types::{Mixed, Priority, Status, Thing, ThingColor};

    fn every_status() -> Vec<(&'static str, Status)> {
        vec![
            ("active", Status::Active),
            ("inactive", Status::Inactive),
            ("1h", Status::N1h),
            ("-", Status::Minus),
            ("", Status::Empty),
            ("foo bar", Status::FooBar),
            ("Active", Status::Active2),
            ("type", Status::Type),
        ]
    }

    #[test]
    fn every_status_value_has_its_own_variant_and_round_trips() {
        let mut seen = HashSet::new();
        for (wire, variant) in every_status() {
            round_trip(json!(wire), &variant);
            assert_eq!(variant.as_str(), wire);
            assert_eq!(variant.to_string(), wire);
            assert!(seen.insert(variant.clone()), "{variant:?} appears twice");
        }
        assert_eq!(seen.len(), 8);
    }

    #[test]
    fn status_case_only_duplicates_stay_distinct() {
        let lower: Status = decode(&json!("active"));
        let upper: Status = decode(&json!("Active"));
        assert_eq!(lower, Status::Active);
        assert_eq!(upper, Status::Active2);
        assert_ne!(lower, upper);
        assert_eq!(encode(&upper), json!("Active"));
        // Other casings are not folded onto a known value.
        assert_eq!(decode::<Status>(&json!("ACTIVE")), Status::Unknown("ACTIVE".to_owned()));
    }

    #[test]
    fn status_unknown_value_is_kept_and_round_trips() {
        let unknown = Status::Unknown("archived".to_owned());
        round_trip(json!("archived"), &unknown);
        assert_eq!(unknown.as_str(), "archived");
        assert_eq!(unknown.to_string(), "archived");
        // Whitespace variants of known values are unknown, not trimmed.
        round_trip(json!(" "), &Status::Unknown(" ".to_owned()));
        round_trip(json!("foo  bar"), &Status::Unknown("foo  bar".to_owned()));
    }

    #[test]
    fn status_rejects_non_strings() {
        assert!(serde_json::from_value::<Status>(json!(1)).is_err());
        assert!(serde_json::from_value::<Status>(json!(null)).is_err());
    }

    #[test]
    fn priority_integer_values_and_unknown() {
        round_trip(json!(1), &Priority::V1);
        round_trip(json!(2), &Priority::V2);
        round_trip(json!(3), &Priority::V3);
        round_trip(json!(-1), &Priority::Minus1);
        round_trip(json!(7), &Priority::Unknown(json!(7)));
        assert_eq!(Priority::Minus1.to_value(), json!(-1));
        // A string "1" is not the integer 1.
        round_trip(json!("1"), &Priority::Unknown(json!("1")));
    }

    #[test]
    fn mixed_enum_keeps_json_types_apart() {
        round_trip(json!("auto"), &Mixed::Auto);
        round_trip(json!(0), &Mixed::V0);
        round_trip(json!(true), &Mixed::True);
        round_trip(json!("0"), &Mixed::Unknown(json!("0")));
        round_trip(json!(false), &Mixed::Unknown(json!(false)));
        round_trip(json!("true"), &Mixed::Unknown(json!("true")));
        round_trip(json!({"k": 1}), &Mixed::Unknown(json!({"k": 1})));
    }

    #[test]
    fn thing_nullable_enum_color_absent_null_value_unknown() {
        let absent: Thing = decode(&json!({"status": "1h"}));
        assert_eq!(absent, Thing { status: Status::N1h, priority: None, mixed: None, color: None });
        assert_eq!(text(&absent), r#"{"status":"1h"}"#);

        round_trip(json!({"status": "", "color": null}), &Thing { status: Status::Empty, priority: None, mixed: None, color: Some(None) });
        round_trip(
            json!({"status": "type", "priority": -1, "mixed": "auto", "color": "green"}),
            &Thing {
                status: Status::Type,
                priority: Some(Priority::Minus1),
                mixed: Some(Mixed::Auto),
                color: Some(Some(ThingColor::Green)),
            },
        );
        round_trip(
            json!({"status": "new", "color": "blue"}),
            &Thing {
                status: Status::Unknown("new".to_owned()),
                priority: None,
                mixed: None,
                color: Some(Some(ThingColor::Unknown("blue".to_owned()))),
            },
        );
        assert_eq!(ThingColor::Red.as_str(), "red");
        assert_eq!(ThingColor::Green.to_string(), "green");
    }

    #[test]
    fn thing_requires_status() {
        assert!(serde_json::from_value::<Thing>(json!({"color": "red"})).is_err());
    }
}

mod objects {
    use super::*;
    use tests::objects::types::{Widget, WidgetDimensions, WidgetDimensionsDepth, WidgetPatch};

    #[test]
    fn widget_patch_comment_absent_is_none_and_omitted() {
        let patch: WidgetPatch = decode(&json!({}));
        assert_eq!(patch.comment, None);
        assert_eq!(patch, WidgetPatch::default());
        assert_eq!(text(&patch), "{}");
        assert_eq!(text(&WidgetPatch::default()), "{}");
    }

    #[test]
    fn widget_patch_comment_null_is_some_none_and_sent_as_null() {
        let patch: WidgetPatch = decode(&json!({"comment": null}));
        assert_eq!(patch.comment, Some(None));
        assert_eq!(text(&patch), r#"{"comment":null}"#);
        assert_eq!(encode(&patch), json!({"comment": null}));
    }

    #[test]
    fn widget_patch_comment_value_is_some_some() {
        let patch: WidgetPatch = decode(&json!({"name": "n", "comment": "c"}));
        assert_eq!(patch, WidgetPatch { name: Some("n".to_owned()), comment: Some(Some("c".to_owned())) });
        assert_eq!(text(&patch), r#"{"name":"n","comment":"c"}"#);
        let clear = WidgetPatch { name: Some("n".to_owned()), comment: Some(None) };
        assert_eq!(text(&clear), r#"{"name":"n","comment":null}"#);
    }

    #[test]
    fn decoding_reports_what_is_wrong_and_where() {
        // A required property missing, a non-object, a wrong nested type
        // (with its path, as `runtime::json` reports it), unknown
        // properties ignored, and a borrowed or escaped key alike.
        let missing = serde_json::from_value::<Widget>(json!({"id": "w1", "dimensions": {"width": 1.0}})).expect_err("name is required");
        assert_eq!(missing.to_string(), "missing field `name`");
        // As with serde's derive, a sequence is read as the fields in order;
        // fields past its end are absent (fine for `depth`, not for `width`).
        let short: WidgetDimensions = serde_json::from_str("[1.0]").expect("depth may be absent");
        assert_eq!(short, WidgetDimensions { width: 1.0, depth: None });
        let empty = serde_json::from_str::<WidgetDimensions>("[]").expect_err("width is required");
        assert_eq!(empty.to_string(), "invalid length 0, expected struct WidgetDimensions with 2 elements at line 1 column 2");
        let not_object = serde_json::from_str::<WidgetDimensions>("1.0").expect_err("a number is no object");
        assert!(not_object.to_string().starts_with("invalid type: floating point `1.0`, expected struct WidgetDimensions"), "{not_object}");
        let duplicate = serde_json::from_str::<WidgetDimensions>(r#"{"width": 1.0, "width": 2.0}"#).expect_err("width twice");
        assert!(duplicate.to_string().starts_with("duplicate field `width`"), "{duplicate}");
        let text = r#"{"id": "w1", "name": "n", "label": null, "dimensions": {"width": "wide"}}"#;
        let error =
            serde_path_to_error::deserialize::<_, Widget>(&mut serde_json::Deserializer::from_str(text)).expect_err("width is a number");
        assert_eq!(error.path().to_string(), "dimensions.width");
        let unknown: WidgetDimensions =
            serde_json::from_str(r#"{"width": 2.0, "colour": {"deep": [1, 2]}, "w\u0069dth2": 1}"#).expect("decodes");
        assert_eq!(unknown, WidgetDimensions { width: 2.0, depth: None });
        let escaped: WidgetDimensions = serde_json::from_str(r#"{"w\u0069dth": 3.0}"#).expect("an escaped key is the same key");
        assert_eq!(escaped.width, 3.0);
    }

    fn minimal_widget_json() -> Value {
        json!({"id": "w1", "name": "Widget", "label": null, "dimensions": {"width": 1.5}})
    }

    #[test]
    #[allow(deprecated)]
    fn widget_required_nullable_label_null_is_none_and_sent_as_null() {
        let widget: Widget = decode(&minimal_widget_json());
        assert_eq!(
            widget,
            Widget {
                id: "w1".to_owned(),
                name: "Widget".to_owned(),
                label: None,
                note: None,
                comment: None,
                dimensions: WidgetDimensions { width: 1.5, depth: None },
                created_at: None,
                secret: None,
                legacy: None,
            }
        );
        // Required: present as null, never omitted; optional ones omitted.
        assert_eq!(text(&widget), r#"{"id":"w1","name":"Widget","label":null,"dimensions":{"width":1.5}}"#);
    }

    #[test]
    fn widget_missing_nullable_label_decodes_as_none() {
        // README leniency: a required but nullable field that is missing is None.
        let widget: Widget = decode(&json!({"id": "w1", "name": "n", "dimensions": {"width": 0.0}}));
        assert_eq!(widget.label, None);
        // A missing required non-nullable field still fails.
        assert!(serde_json::from_value::<Widget>(json!({"id": "w1", "label": "l", "dimensions": {"width": 0.0}})).is_err());
    }

    #[test]
    #[allow(deprecated)]
    fn widget_full_round_trip_with_comment_states() {
        let input = json!({
            "id": "w2",
            "name": "Full",
            "label": "L",
            "note": "N",
            "comment": null,
            "dimensions": {"width": 2.0, "depth": {"value": 3}},
            "createdAt": "2024-05-06T07:08:09Z",
            "secret": "s3cret",
            "legacy": "old"
        });
        let widget: Widget = decode(&input);
        assert_eq!(widget.label.as_deref(), Some("L"));
        assert_eq!(widget.comment, Some(None));
        assert_eq!(widget.dimensions.depth, Some(WidgetDimensionsDepth { value: Some(3) }));
        assert_eq!(widget.created_at, Some(utc("2024-05-06T07:08:09Z")));
        assert_eq!(widget.secret.as_deref(), Some("s3cret"));
        assert_eq!(widget.legacy.as_deref(), Some("old"));
        assert_eq!(encode(&widget), input);

        let mut with_comment = widget.clone();
        with_comment.comment = Some(Some("c".to_owned()));
        assert_eq!(encode(&with_comment)["comment"], json!("c"));
        let mut without_comment = widget;
        without_comment.comment = None;
        assert!(encode(&without_comment).get("comment").is_none());
    }

    #[test]
    fn widget_unknown_fields_are_ignored() {
        let mut input = minimal_widget_json();
        input["surprise"] = json!({"deep": [1, 2]});
        input["dimensions"]["height"] = json!(9);
        let widget: Widget = decode(&input);
        assert_eq!(widget, decode::<Widget>(&minimal_widget_json()));
        assert_eq!(encode(&widget), minimal_widget_json());
    }

    #[test]
    fn widget_read_only_and_write_only_fields_are_optional() {
        let widget: Widget = decode(&minimal_widget_json());
        assert_eq!(widget.created_at, None);
        assert_eq!(widget.secret, None);
        let encoded = encode(&widget);
        assert!(encoded.get("createdAt").is_none(), "{encoded}");
        assert!(encoded.get("secret").is_none(), "{encoded}");
    }
}

mod all_of {
    use super::*;
    use tests::all_of::types::{Dog, Named, Pet, PetAlias};

    #[test]
    fn dog_has_merged_fields_and_round_trips() {
        round_trip(
            json!({"name": "Rex", "kind": "dog", "goodBoy": true, "owner": {"name": "Ann"}}),
            &Dog { name: "Rex".to_owned(), kind: "dog".to_owned(), good_boy: true, owner: Some(Some(Named { name: "Ann".to_owned() })) },
        );
    }

    #[test]
    fn dog_owner_is_optional_and_nullable() {
        let absent: Dog = decode(&json!({"name": "A", "kind": "k", "goodBoy": false}));
        assert_eq!(absent.owner, None);
        assert_eq!(text(&absent), r#"{"name":"A","kind":"k","goodBoy":false}"#);

        round_trip(
            json!({"name": "A", "kind": "k", "goodBoy": false, "owner": null}),
            &Dog { name: "A".to_owned(), kind: "k".to_owned(), good_boy: false, owner: Some(None) },
        );
    }

    #[test]
    fn dog_requires_fields_from_every_part() {
        for missing in ["name", "kind", "goodBoy"] {
            let mut input = json!({"name": "A", "kind": "k", "goodBoy": true});
            input.as_object_mut().expect("object").remove(missing);
            assert!(serde_json::from_value::<Dog>(input.clone()).is_err(), "{input} lacks {missing} and must not decode");
        }
    }

    #[test]
    fn pet_and_alias_round_trip() {
        let pet = Pet { name: "Tom".to_owned(), kind: "cat".to_owned() };
        round_trip(json!({"name": "Tom", "kind": "cat"}), &pet);
        let alias: PetAlias = decode(&json!({"name": "Tom", "kind": "cat"}));
        assert_eq!(alias, pet);
    }
}

mod maps_and_formats {
    use super::*;
    use tests::maps_and_formats::types::{Labels, Record, RecordClosed, RecordExtras, RecordOpen};

    #[test]
    fn formats_parse_into_typed_values() {
        let record: Record = decode(&json!({
            "when": "2024-03-01T10:00:00+02:00",
            "day": "2024-02-29",
            "id": "67e55044-10b1-426f-9247-bb680e5fe0c8",
            "site": "https://example.com/x",
            "email": "a@example.com",
            "blob": "aGVsbG8=",
            "small": -2147483648_i64,
            "big": 9007199254740993_i64,
            "count": 4294967295_u64,
            "ratio": 0.5,
            "precise": 0.1,
            "odd": "whatever"
        }));
        assert_eq!(record.when, Some(utc("2024-03-01T08:00:00Z")));
        assert_eq!(record.day, NaiveDate::from_ymd_opt(2024, 2, 29));
        assert_eq!(record.id, Some(Uuid::parse_str("67e55044-10b1-426f-9247-bb680e5fe0c8").expect("uuid")));
        assert_eq!(record.site.as_deref(), Some("https://example.com/x"));
        assert_eq!(record.email.as_deref(), Some("a@example.com"));
        assert_eq!(record.blob.as_deref(), Some("aGVsbG8="));
        assert_eq!(record.small, Some(i32::MIN));
        assert_eq!(record.big, Some(9_007_199_254_740_993));
        assert_eq!(record.count, Some(u32::MAX));
        assert_eq!(record.ratio, Some(0.5_f32));
        assert_eq!(record.precise, Some(0.1));
        assert_eq!(record.odd.as_deref(), Some("whatever"));
    }

    #[test]
    fn formats_serialize_back() {
        let input = json!({
            "when": "2024-03-01T08:00:00Z",
            "day": "2024-02-29",
            "id": "67e55044-10b1-426f-9247-bb680e5fe0c8",
            "big": 9007199254740993_i64,
            "count": 7,
            "precise": 0.25
        });
        let record: Record = decode(&input);
        assert_eq!(encode(&record), input);
    }

    #[test]
    fn formats_reject_invalid_values() {
        for bad in [
            json!({"day": "2023-02-29"}),
            json!({"id": "not-a-uuid"}),
            json!({"when": "yesterday"}),
            json!({"count": -1}),
            json!({"small": 2147483648_i64}),
        ] {
            assert!(serde_json::from_value::<Record>(bad.clone()).is_err(), "{bad} must not decode");
        }
    }

    #[test]
    fn extras_additional_properties_land_in_the_flattened_map() {
        let input = json!({"extras": {"known": "k", "a": 1, "b": -2}});
        let record: Record = decode(&input);
        let extras = record.extras.clone().expect("extras present");
        assert_eq!(extras.known.as_deref(), Some("k"));
        assert_eq!(extras.additional_properties, BTreeMap::from([("a".to_owned(), 1), ("b".to_owned(), -2)]));
        assert!(!extras.additional_properties.contains_key("known"));
        assert_eq!(encode(&record), input);

        let built = RecordExtras { known: None, additional_properties: BTreeMap::from([("z".to_owned(), 26)]) };
        assert_eq!(text(&built), r#"{"z":26}"#);
    }

    #[test]
    fn extras_additional_property_of_the_wrong_type_fails() {
        assert!(serde_json::from_value::<Record>(json!({"extras": {"a": "one"}})).is_err());
    }

    #[test]
    fn labels_map_round_trips() {
        let input = json!({"labels": {"env": "prod", "": "empty key", "ü": "x"}});
        let record: Record = decode(&input);
        let labels: &Labels = record.labels.as_ref().expect("labels present");
        assert_eq!(labels.get("env").map(String::as_str), Some("prod"));
        assert_eq!(labels.get("").map(String::as_str), Some("empty key"));
        assert_eq!(labels.len(), 3);
        assert_eq!(encode(&record), input);
    }

    #[test]
    fn free_form_object_and_any_value_round_trip() {
        let input = json!({
            "freeForm": {"a": [1, {"b": null}], "c": "d"},
            "anything": [true, 1.5, "x", {"y": null}]
        });
        let record: Record = decode(&input);
        let free_form = record.free_form.as_ref().expect("freeForm present");
        assert_eq!(free_form.get("a"), Some(&json!([1, {"b": null}])));
        assert_eq!(free_form.len(), 2);
        assert_eq!(record.anything, Some(Some(json!([true, 1.5, "x", {"y": null}]))));
        assert_eq!(encode(&record), input);
        // A free-form object is an object: an array is rejected.
        assert!(serde_json::from_value::<Record>(json!({"freeForm": [1]})).is_err());
    }

    #[test]
    fn arrays_of_arrays_round_trip() {
        round_trip(json!({"matrix": [[1, 2], [], [3]]}), &Record { matrix: Some(vec![vec![1, 2], vec![], vec![3]]), ..Record::default() });
    }

    #[test]
    fn closed_object_drops_unknown_fields_open_object_keeps_them() {
        let record: Record = decode(&json!({
            "closed": {"known": "k", "extra": 1},
            "open": {"known": "k", "extra": {"deep": [1]}, "n": null}
        }));
        assert_eq!(record.closed, Some(RecordClosed { known: Some("k".to_owned()) }));
        let open: &RecordOpen = record.open.as_ref().expect("open present");
        assert_eq!(open.known.as_deref(), Some("k"));
        assert_eq!(
            open.additional_properties,
            BTreeMap::from([("extra".to_owned(), json!({"deep": [1]})), ("n".to_owned(), Value::Null),])
        );
        assert_eq!(
            encode(&record),
            json!({
                "closed": {"known": "k"},
                "open": {"known": "k", "extra": {"deep": [1]}, "n": null}
            })
        );
    }

    #[test]
    fn empty_record_is_an_empty_object() {
        assert_eq!(text(&Record::default()), "{}");
        assert_eq!(decode::<Record>(&json!({})), Record::default());
    }
}

mod refs_and_cycles {
    use super::*;
    use tests::refs_and_cycles::types::{Company, Json, Node, Person, TreeAlias};

    fn leaf(name: &str) -> Node {
        Node { name: name.to_owned(), parent: None, children: None, owner: None }
    }

    #[test]
    fn recursive_node_three_levels_deep_round_trips() {
        let input = json!({
            "name": "root",
            "parent": {"name": "p", "parent": {"name": "pp"}},
            "children": [
                {"name": "c1", "children": [{"name": "g1"}, {"name": "g2", "children": []}]},
                {"name": "c2"}
            ]
        });
        let expected = Node {
            name: "root".to_owned(),
            parent: Some(Box::new(Node { parent: Some(Box::new(leaf("pp"))), ..leaf("p") })),
            children: Some(vec![
                Node { children: Some(vec![leaf("g1"), Node { children: Some(Vec::new()), ..leaf("g2") }]), ..leaf("c1") },
                leaf("c2"),
            ]),
            owner: None,
        };
        round_trip(input, &expected);
    }

    #[test]
    fn alias_chain_is_the_node_type() {
        let tree: TreeAlias = decode(&json!({"name": "t", "children": [{"name": "u"}]}));
        let node: Node = tree;
        assert_eq!(node.children, Some(vec![leaf("u")]));
    }

    #[test]
    fn mutually_recursive_person_and_company_round_trip() {
        round_trip(
            json!({
                "name": "n",
                "owner": {"employer": {"ceo": {"employer": {}}}}
            }),
            &Node {
                owner: Some(Person {
                    employer: Some(Box::new(Company { ceo: Some(Box::new(Person { employer: Some(Box::new(Company::default())) })) })),
                }),
                ..leaf("n")
            },
        );
    }

    #[test]
    fn self_expanding_json_newtype_decodes_nested_arrays() {
        round_trip(json!([[], [[]]]), &Json(vec![Json(vec![]), Json(vec![Json(vec![])])]));
        round_trip(json!([]), &Json(vec![]));
        assert!(serde_json::from_value::<Json>(json!([1])).is_err());
    }
}

mod defaults_and_deprecated {
    use super::*;
    use tests::defaults_and_deprecated::types::Settings;

    #[test]
    #[allow(deprecated)]
    fn settings_round_trip_with_deprecated_field() {
        round_trip(
            json!({"pageSize": 50, "theme": "dark", "oldFlag": true}),
            &Settings { page_size: 50, theme: Some("dark".to_owned()), old_flag: Some(true) },
        );
    }

    #[test]
    #[allow(deprecated)]
    fn settings_optional_fields_absent_are_none_and_omitted() {
        let settings: Settings = decode(&json!({"pageSize": 20}));
        assert_eq!(settings.page_size, 20);
        assert_eq!(settings.theme, None);
        assert_eq!(settings.old_flag, None);
        assert_eq!(text(&settings), r#"{"pageSize":20}"#);
    }

    #[test]
    #[allow(deprecated)]
    fn old_thing_round_trips() {
        use tests::defaults_and_deprecated::types::OldThing;
        round_trip(json!({"x": "y"}), &OldThing { x: Some("y".to_owned()) });
    }
}

mod naming {
    use super::*;
    use tests::naming::types::{N2faSettings, OptionType, Struct, Struct2};

    #[test]
    fn odd_property_names_map_to_their_own_fields() {
        let input = json!({
            "type": "t",
            "self": "s",
            "1st": "first",
            "fooBar": "camel",
            "foo_bar": "snake",
            "@id": "at",
            "": "empty"
        });
        round_trip(
            input,
            &Struct {
                r#type: Some("t".to_owned()),
                self_: Some("s".to_owned()),
                n1st: Some("first".to_owned()),
                foo_bar: Some("camel".to_owned()),
                foo_bar_2: Some("snake".to_owned()),
                id: Some("at".to_owned()),
                empty: Some("empty".to_owned()),
            },
        );
    }

    #[test]
    fn colliding_names_do_not_swap_values() {
        let only_snake: Struct = decode(&json!({"foo_bar": "snake"}));
        assert_eq!(only_snake.foo_bar, None);
        assert_eq!(only_snake.foo_bar_2.as_deref(), Some("snake"));
        assert_eq!(text(&only_snake), r#"{"foo_bar":"snake"}"#);

        let only_camel = Struct { foo_bar: Some("camel".to_owned()), ..Struct::default() };
        assert_eq!(text(&only_camel), r#"{"fooBar":"camel"}"#);

        let only_empty_key = Struct { empty: Some("e".to_owned()), ..Struct::default() };
        assert_eq!(text(&only_empty_key), r#"{"":"e"}"#);
        // `id` is `@id` on the wire, not `id`.
        let plain_id: Struct = decode(&json!({"id": "x"}));
        assert_eq!(plain_id.id, None);
    }

    #[test]
    fn renamed_schemas_round_trip() {
        round_trip(json!({"value": "v"}), &OptionType { value: Some("v".to_owned()) });
        round_trip(json!({"enabled": true}), &N2faSettings { enabled: Some(true) });
        let alias: Struct2 = decode(&json!("plain string"));
        assert_eq!(alias, "plain string");
    }
}

mod external_refs {
    use super::*;
    use tests::external_refs::types::{Currency, Money};

    #[test]
    fn money_with_currency_from_the_shared_file_round_trips() {
        round_trip(json!({"amount": 1999, "currency": "EUR"}), &Money { amount: 1999, currency: Currency::Eur });
        round_trip(json!({"amount": -1, "currency": "CHF"}), &Money { amount: -1, currency: Currency::Unknown("CHF".to_owned()) });
        assert_eq!(Currency::Usd.as_str(), "USD");
        assert_eq!(Currency::Eur.to_string(), "EUR");
    }
}

use tests::maps_and_formats::types::Record;

/// `anything: {}` accepts every JSON value, `null` included (OpenAPI 3.0
/// `nullable` only restricts schemas with a `type`). A present `null`
/// must survive a round trip, like every other value of that property;
/// it must not collapse into "absent".
#[test]
fn any_value_property_keeps_an_explicit_null() {
    let input = json!({"anything": null});
    let record: Record = decode(&input);
    assert_eq!(encode(&record), input, "decoded as {record:?}");
}

mod hostile_names {
    //! Schemas named after what generated code and the runtime's macros use
    //! (`A`, `S`, `Error`, `Option`, `Value`, `Field`, …), properties named
    //! after the macros' locals (`map`, `key`, `serializer`), and values
    //! named like the fallback variant (`unknown`, `Other`).
    use super::*;
    use tests::hostile_names::types::{AuditResult, Holder, Kinds, Mapped, Untagged};

    #[test]
    fn hostile_names_round_trip() {
        let input = json!({
            "kinds": "Unknown",
            "audit": {"kind": "unknown", "reason": "gone"},
            "mapped": {"type": "unknown", "note": "n"},
            "untagged": "text",
            "numbers": 2,
            "a": {"id": 1, "map": "m", "key": "k", "value": "v", "serializer": "s", "deserializer": "d", "self": "me", "rest": "r",
                  "next": {"id": 2, "next": {"id": 3, "next": {"id": 4}}}},
            "error": {"id": 5, "next": {"id": 6}},
            "option": {"id": 7},
            "extra": {"x": {"id": 8, "next": {"id": 9}}}
        });
        let holder: Holder = decode(&input);
        assert_eq!(holder.kinds, Some(Kinds::Unknown3));
        assert!(matches!(holder.audit, Some(AuditResult::AuditUnknown(_))), "{:?}", holder.audit);
        assert!(matches!(holder.mapped, Some(Mapped::Unknown2(_))), "{:?}", holder.mapped);
        assert!(matches!(holder.untagged, Some(Untagged::String(_))), "{:?}", holder.untagged);
        let a = holder.a.as_ref().expect("a");
        assert_eq!((a.id, a.map.as_deref(), a.self_.as_deref()), (1, Some("m"), Some("me")));
        assert_eq!(encode(&holder), input);
    }

    #[test]
    fn values_named_like_the_fallback_are_their_own_variants() {
        for (wire, expected) in
            [("unknown", Kinds::Unknown2), ("Unknown", Kinds::Unknown3), ("other", Kinds::Other), ("Other", Kinds::Other2)]
        {
            assert_eq!(decode::<Kinds>(&json!(wire)), expected);
            assert_eq!(encode(&expected), json!(wire));
        }
        assert_eq!(decode::<Kinds>(&json!("new")), Kinds::Unknown("new".to_owned()));
        let other_tag: Mapped = decode(&json!({"type": "brand-new", "x": 1}));
        assert!(matches!(other_tag, Mapped::Unknown(_)), "{other_tag:?}");
    }

    #[test]
    fn a_deep_chain_decodes_and_encodes() {
        // 100 levels of `Node{i}.next` (serde_json's own limit is 128),
        // held by value: each level's decoder frame holds the rest, as a
        // derive's does, so this runs on a thread with room for that in a
        // debug build.
        let run = || {
            let mut value = json!({"value": "last"});
            for level in (0..100).rev() {
                value = json!({"value": format!("v{level}"), "next": value});
            }
            let node: tests::deep_chain::types::Node0 = decode(&value);
            assert_eq!(node.value.as_deref(), Some("v0"));
            assert_eq!(encode(&node), value);
        };
        let thread = std::thread::Builder::new().stack_size(256 << 20).spawn(run).expect("spawns");
        thread.join().expect("decodes and encodes");
    }
}

mod conversions {
    //! `From` each variant's type for unions, `FromStr`/`Display` for
    //! string enums (as typify writes them).
    use super::*;
    use tests::enums::types::Status;
    use tests::one_of::types::{Circle, Created, Shape, Untagged};

    #[test]
    fn unions_convert_from_their_variants() {
        assert_eq!(Shape::from(Circle { radius: 2.0 }), Shape::Circle(Circle { radius: 2.0 }));
        let created = Created { r#type: "created".to_owned(), id: "1".to_owned() };
        assert_eq!(Untagged::from(created.clone()), Untagged::Created(created));
    }

    #[test]
    fn alternatives_that_alias_one_type_get_no_conflicting_from() {
        // `Login` and `Email` are both `String`: only `From<i64>` exists.
        assert_eq!(tests::one_of::types::Aliases::from(7), tests::one_of::types::Aliases::Integer(7));
    }

    #[test]
    fn string_enums_parse_and_print_their_wire_values() {
        for status in [Status::Active, Status::Unknown("later".to_owned())] {
            let text = status.to_string();
            assert_eq!(text.parse::<Status>(), Ok(status.clone()));
            assert_eq!(encode(&status), json!(text));
        }
        assert_eq!("active".parse::<Status>(), Ok(Status::Active));
    }
}
