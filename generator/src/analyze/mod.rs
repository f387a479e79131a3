//! Stage 4: whole-type-space analysis before emitting.
//!
//! * Aliases that expand into themselves (`A = Vec<B>`, `B = Vec<A>`) cannot
//!   be `type` aliases in Rust; they become newtypes.
//! * A type that contains itself without indirection (directly or through
//!   other types, `Option` included) has infinite size; the field or variant
//!   that closes the cycle gets a `Box`.
//! * A struct that is only ever a variant of tagged unions leaves its
//!   discriminator property to the union ([`detach_tags`]), which also
//!   writes the tag of variants that have no field for it, one variant per
//!   tag value ([`tags`]).

mod features;
mod tags;

use crate::ir::{Api, Operation, SerdeUse, StreamBody, StreamItem, TaggedBy, TypeId, TypeKind, TypeRef, TypeSpace};

/// Every pass between lowering (and the example check, which reads types
/// as the spec wrote them) and validation, in their one order: pagination
/// and streams are recognised, cycles broken, tags detached from variants,
/// unused security schemes dropped, serde directions decided, the nesting
/// depth measured (its warning added), and with `--only-tags` the types no
/// operation reaches pruned. Returns the recursion limit the crate needs
/// (0: the compiler's default). `generate` and the tests both run this.
pub fn run(api: &mut Api, context: &crate::context::Context<'_>) -> usize {
    let mut pagination_warnings = crate::paginate::assign(api, context.detect_pagination);
    api.warnings.append(&mut pagination_warnings);
    crate::streams::assign(api);
    break_cycles(&mut api.types);
    detach_tags(api);
    drop_unused_schemes(api);
    mark_unreached(api);
    serde_directions(api, context.settings.serde_impls == crate::SerdeImpls::Both);
    let mut recursion_limit = 0;
    if let Some((limit, warning)) = deep_nesting_warning(api) {
        recursion_limit = limit;
        api.warnings.push(warning);
    }
    if !context.only_tags.is_empty() {
        // (Examples are tests of the whole API, not of a slice.)
        api.examples.clear();
        api.samples = crate::ir::Samples::default();
        prune_unused(api);
        mark_unreached(api);
    }
    if context.features {
        let (features, mut warnings) = features::assign(api);
        api.features = Some(features).filter(|features| !features.names.is_empty());
        api.warnings.append(&mut warnings);
    }
    recursion_limit
}

/// Marks the types no operation reaches and everything they use
/// ([`crate::ir::TypeDef::unreached`]): the one place this is worked out.
pub fn mark_unreached(api: &mut Api) {
    let roots = api.operations.iter().flat_map(operation_roots).collect();
    let reached = reachable(&api.types, roots);
    let unreached = (0..api.types.defs.len()).filter(|id| !reached[*id]).collect();
    let used = reachable(&api.types, unreached);
    for (def, unreached) in api.types.defs.iter_mut().zip(used) {
        def.unreached = unreached;
    }
}

/// Applies both fixes in place.
pub fn break_cycles(types: &mut TypeSpace) {
    mark_recursive_aliases(types);
    box_recursive_fields(types);
}

/// Takes the discriminator field out of every struct that is used only as
/// a variant of tagged unions (with the same discriminator): the union
/// writes the tag, so a variant with the wrong tag cannot be built.
/// Structs used anywhere else (a body, a field, an untagged union) keep
/// the field, since there it is theirs to send.
/// Then every variant can write back the tag it was read with: the union
/// writes it for variants without a field for it, one variant per tag
/// value ([`tags`]).
pub fn detach_tags(api: &mut Api) {
    // For each named type: the tagged unions it is a direct variant of, or
    // `None` once it is seen anywhere else.
    let mut uses: Vec<Option<Vec<(usize, usize)>>> = vec![Some(Vec::new()); api.types.defs.len()];
    let mut other = Vec::new();
    for (index, def) in api.types.defs.iter().enumerate() {
        match &def.kind {
            TypeKind::Union(union) if union.tag.is_some() => {
                for (position, variant) in union.variants.iter().enumerate() {
                    match unboxed(&variant.ty) {
                        Some(TypeRef::Named(TypeId(id))) if !variant.tag_values.is_empty() => {
                            if let Some(Some(found)) = uses.get_mut(*id) {
                                found.push((index, position));
                            }
                        }
                        _ => all_named(&variant.ty, &mut other),
                    }
                }
            }
            TypeKind::Responses(variants) => {
                variants.iter().filter_map(|variant| variant.ty.as_ref()).for_each(|ty| all_named(ty, &mut other))
            }
            TypeKind::Struct(structure) => {
                structure.fields.iter().map(|field| &field.ty).chain(&structure.additional).for_each(|ty| all_named(ty, &mut other))
            }
            kind => contained(kind).into_iter().for_each(|ty| all_named(ty, &mut other)),
        }
    }
    for operation in &api.operations {
        other.extend(operation_roots(operation));
    }
    for id in other {
        if let Some(slot) = uses.get_mut(id) {
            *slot = None;
        }
    }
    let mut orphans = Vec::new();
    for (id, found) in uses.into_iter().enumerate() {
        let Some(found) = found.filter(|found| !found.is_empty()) else { continue };
        let tags: Vec<&str> = found.iter().filter_map(|(union, _)| union_tag(&api.types, *union)).collect();
        let Some(tag) = tags.first().copied().filter(|tag| tags.iter().all(|other| other == tag)) else { continue };
        let tag = tag.to_owned();
        let Some(TypeKind::Struct(structure)) = api.types.defs.get_mut(id).map(|def| &mut def.kind) else { continue };
        let Some(position) = structure.fields.iter().position(|field| field.wire == tag) else { continue };
        let field = structure.fields.remove(position);
        structure.tagged_by = Some(TaggedBy { union: TypeId(found[0].0), property: tag });
        if let TypeRef::Named(TypeId(inline)) = field.ty
            && api.types.defs.get(inline).is_some_and(|def| def.origin == field.origin)
        {
            // The field's own inline schema (an enum of the one tag value).
            orphans.push(inline);
        }
        for (union, variant) in found {
            if let Some(TypeKind::Union(union)) = api.types.defs.get_mut(union).map(|def| &mut def.kind)
                && let Some(variant) = union.variants.get_mut(variant)
            {
                variant.writes_tag = true;
            }
        }
    }
    // Inline types only the removed fields used go with them.
    let mut referenced = vec![false; api.types.defs.len()];
    api.visit_type_ids(&mut |id| {
        if let Some(slot) = referenced.get_mut(id.0) {
            *slot = true;
        }
    });
    let keep: Vec<bool> = (0..referenced.len()).map(|id| referenced[id] || !orphans.contains(&id)).collect();
    if keep.contains(&false) {
        remove_types(api, &keep);
    }
    tags::write_missing_tags(&mut api.types);
    tags::split_by_tag_value(&mut api.types);
}

fn union_tag(types: &TypeSpace, id: usize) -> Option<&str> {
    match &types.defs.get(id)?.kind {
        TypeKind::Union(union) => union.tag.as_deref(),
        _ => None,
    }
}

fn unboxed(ty: &TypeRef) -> Option<&TypeRef> {
    match ty {
        TypeRef::Boxed(inner) => unboxed(inner),
        TypeRef::Named(_) => Some(ty),
        _ => None,
    }
}

/// The longest chain of distinct named types nested in one another (by
/// value or behind `Option`, `Vec`, `Box` or a map: the compiler's drop and
/// layout checks walk through all of them), counting each type once per
/// chain (a cycle ends it). The compiler gives up past its recursion limit
/// (128 by default), so crates that nest deeper set a higher one.
pub fn nesting_depth(types: &TypeSpace) -> (usize, Option<TypeId>) {
    // 0: not seen; 1: on the current chain; 2 + depth: done.
    let mut state = vec![0usize; types.defs.len()];
    let mut deepest = (0, None);
    for root in 0..types.defs.len() {
        if state[root] != 0 {
            continue;
        }
        // An explicit stack (ids, next child index), so a deep chain does
        // not deepen the generator's own stack.
        let mut stack: Vec<(usize, Vec<usize>, usize)> = Vec::new();
        let children = |id: usize| {
            let mut found = Vec::new();
            if let Some(def) = types.defs.get(id) {
                let fields = match &def.kind {
                    TypeKind::Struct(structure) => structure.additional.iter().collect(),
                    _ => Vec::new(),
                };
                contained(&def.kind).into_iter().chain(fields).for_each(|ty| all_named(ty, &mut found));
            }
            found
        };
        state[root] = 1;
        stack.push((root, children(root), 0));
        while let Some((id, kids, next)) = stack.last_mut() {
            if let Some(&child) = kids.get(*next) {
                *next += 1;
                if state.get(child) == Some(&0) {
                    state[child] = 1;
                    let grandchildren = children(child);
                    stack.push((child, grandchildren, 0));
                }
                continue;
            }
            let depth = 1 + kids.iter().filter_map(|kid| state.get(*kid).filter(|s| **s >= 2).map(|s| s - 2)).max().unwrap_or(0);
            state[*id] = 2 + depth;
            if depth > deepest.0 {
                deepest = (depth, Some(TypeId(*id)));
            }
            stack.pop();
        }
    }
    deepest
}

/// Past this nesting depth the generated crate root raises the compiler's
/// recursion limit (default 128; each nested type costs the drop and
/// layout checks about one level, wrappers included).
pub const NESTING_DEPTH_SAFE: usize = 48;

/// The `recursion_limit` for types nesting `depth` deep: room for two
/// levels per type and the compiler's own needs.
pub fn recursion_limit(depth: usize) -> Option<usize> {
    (depth > NESTING_DEPTH_SAFE).then(|| (depth * 2 + 128).next_power_of_two())
}

/// A warning for types that nest past [`NESTING_DEPTH_SAFE`].
pub fn deep_nesting_warning(api: &Api) -> Option<(usize, crate::diagnostics::Diagnostic)> {
    let (depth, root) = nesting_depth(&api.types);
    let limit = recursion_limit(depth)?;
    let def = api.types.get(root?)?;
    let message = format!(
        "types nest {depth} deep from `{}`, past what the Rust compiler checks by default (recursion limit 128): the generated crate root sets `#![recursion_limit = \"{limit}\"]`, and a crate that includes this module must set it too",
        crate::naming::unraw(&def.name)
    );
    let warning = crate::diagnostics::Diagnostic::warning(
        crate::diagnostics::Code::DeepTypeNesting,
        &def.origin.file,
        &def.origin.pointer.to_string(),
        message,
    );
    Some((limit, warning))
}

/// Removes the security schemes no operation accepts: only the others get a
/// credential and a builder method.
pub fn drop_unused_schemes(api: &mut Api) {
    let mut used = vec![false; api.security_schemes.len()];
    for id in api.operations.iter().flat_map(|operation| operation.security.iter().flatten()) {
        if let Some(slot) = used.get_mut(id.0) {
            *slot = true;
        }
    }
    let renumbered = retain_renumbered(&mut api.security_schemes, &used);
    for id in api.operations.iter_mut().flat_map(|operation| operation.security.iter_mut().flatten()) {
        // (Every requirement names a used scheme, by construction.)
        id.0 = renumbered.get(id.0).copied().flatten().unwrap_or(usize::MAX);
    }
}

/// Keeps the items of `items` whose `keep` is set (those past its end
/// too) and returns each old index's new one (`None` for removed items).
fn retain_renumbered<T>(items: &mut Vec<T>, keep: &[bool]) -> Vec<Option<usize>> {
    let mut renumbered = Vec::with_capacity(items.len());
    let mut next = 0;
    for index in 0..items.len() {
        let kept = keep.get(index).copied().unwrap_or(true);
        renumbered.push(kept.then_some(next));
        next += usize::from(kept);
    }
    let mut index = 0;
    items.retain(|_| {
        index += 1;
        renumbered[index - 1].is_some()
    });
    renumbered
}

/// Removes every type no operation reaches (through parameters, bodies and
/// responses, transitively).
pub fn prune_unused(api: &mut Api) {
    let roots = api.operations.iter().flat_map(operation_roots).collect();
    let reached = reachable(&api.types, roots);
    remove_types(api, &reached);
}

/// Keeps the types whose `keep` is set and renumbers every reference. A
/// removed type must be unreferenced by the kept ones (callers remove what
/// nothing kept reaches); a reference to one would be an internal error,
/// reported by [`crate::validate`].
fn remove_types(api: &mut Api, keep: &[bool]) {
    let renumbered = retain_renumbered(&mut api.types.defs, keep);
    let unreferenced = api.types.defs.len();
    let new_id = |id: TypeId| renumbered.get(id.0).copied().flatten().map(TypeId);
    api.visit_type_ids_mut(&mut |id| {
        // Out of range on purpose when dangling, so validation catches it.
        *id = new_id(*id).unwrap_or(TypeId(unreferenced));
    });
    // The spec's sample values are keyed by type: they follow their types,
    // and go with the removed ones.
    let samples = std::mem::take(&mut api.samples);
    api.samples = crate::ir::Samples {
        types: samples.types.into_iter().filter_map(|(id, value)| Some((new_id(id)?, value))).collect(),
        fields: samples.fields.into_iter().filter_map(|((id, wire), value)| Some(((new_id(id)?, wire), value))).collect(),
        operations: samples.operations,
    };
}

/// Decides which serde impls each type gets: `Serialize` when a request
/// sends it (as a parameter, a body or inside one), `Deserialize` when a
/// response carries it (body, documented header, or inside one). Types no
/// operation reaches (webhook payloads, say) get both, and so does every
/// type when `both` is set ([`crate::SerdeImpls::Both`]).
pub fn serde_directions(api: &mut Api, both: bool) {
    if both {
        return;
    }
    let mut sent = Vec::new();
    let mut received = Vec::new();
    for operation in &api.operations {
        let (send, receive) = directed_roots(operation);
        sent.extend(send);
        received.extend(receive);
    }
    let sent = reachable(&api.types, sent);
    let received = reachable(&api.types, received);
    // What no operation reaches gets both, and so does everything it uses
    // (`mark_unreached`).
    for (id, def) in api.types.defs.iter_mut().enumerate() {
        def.serde = if def.unreached { SerdeUse::BOTH } else { SerdeUse { serialize: sent[id], deserialize: received[id] } };
    }
}

/// The named types an operation sends and the ones it receives.
fn directed_roots(operation: &Operation) -> (Vec<usize>, Vec<usize>) {
    let mut sent = Vec::new();
    let path_params = operation.path_params.iter().map(|param| &param.ty);
    let params = operation.params.iter().map(|param| &param.ty);
    for ty in path_params.chain(params).chain(operation.body.iter().map(|body| &body.ty)) {
        all_named(ty, &mut sent);
    }
    let mut received = Vec::new();
    for case in operation.success.iter().chain(&operation.errors) {
        for ty in case.body.iter().map(|body| &body.ty).chain(case.headers.iter().map(|header| &header.ty)) {
            all_named(ty, &mut received);
        }
    }
    if let Some(StreamBody { item: StreamItem::Json(ty), .. }) = &operation.stream {
        all_named(ty, &mut received);
    }
    received.extend(operation.success_enum().into_iter().chain(operation.error_enum()).map(|id| id.0));
    (sent, received)
}

/// The named types an operation uses directly: parameters, body, response
/// bodies and documented headers, its response enums.
pub(crate) fn operation_roots(operation: &Operation) -> Vec<usize> {
    let (mut found, received) = directed_roots(operation);
    found.extend(received);
    found
}

/// Which types `roots` reach, transitively.
pub(crate) fn reachable(types: &TypeSpace, mut pending: Vec<usize>) -> Vec<bool> {
    let mut reached = vec![false; types.defs.len()];
    while let Some(id) = pending.pop() {
        if id >= reached.len() || reached[id] {
            continue;
        }
        reached[id] = true;
        if let Some(def) = types.defs.get(id) {
            match &def.kind {
                TypeKind::Responses(variants) => {
                    for ty in variants.iter().filter_map(|variant| variant.ty.as_ref()) {
                        all_named(ty, &mut pending);
                    }
                }
                TypeKind::Struct(structure) => {
                    for ty in structure.fields.iter().map(|field| &field.ty).chain(&structure.additional) {
                        all_named(ty, &mut pending);
                    }
                }
                kind => {
                    for ty in contained(kind) {
                        all_named(ty, &mut pending);
                    }
                }
            }
        }
    }
    reached
}

fn mark_recursive_aliases(types: &mut TypeSpace) {
    let edges: Vec<Vec<usize>> = types
        .defs
        .iter()
        .map(|def| match &def.kind {
            TypeKind::Alias { target, .. } => {
                let mut named = Vec::new();
                all_named(target, &mut named);
                named.into_iter().filter(|id| matches!(types.defs.get(*id).map(|d| &d.kind), Some(TypeKind::Alias { .. }))).collect()
            }
            _ => Vec::new(),
        })
        .collect();
    let components = strongly_connected(&edges);
    for (index, def) in types.defs.iter_mut().enumerate() {
        if let TypeKind::Alias { newtype, .. } = &mut def.kind {
            let component = components[index];
            let cyclic = edges[index].contains(&index) || components.iter().enumerate().any(|(other, c)| other != index && *c == component);
            *newtype = cyclic;
        }
    }
}

fn box_recursive_fields(types: &mut TypeSpace) {
    let edges: Vec<Vec<usize>> = types
        .defs
        .iter()
        .map(|def| {
            let mut named = Vec::new();
            for ty in contained(&def.kind) {
                direct_named(ty, &mut named);
            }
            named
        })
        .collect();
    let components = strongly_connected(&edges);
    let same_cycle = |from: usize, to: usize| from == to && edges[from].contains(&from) || from != to && components[from] == components[to];
    for index in 0..types.defs.len() {
        let kind = &mut types.defs[index].kind;
        let slots: Vec<&mut TypeRef> = match kind {
            TypeKind::Struct(structure) => structure.fields.iter_mut().map(|field| &mut field.ty).collect(),
            TypeKind::Union(union) => union.variants.iter_mut().map(|variant| &mut variant.ty).collect(),
            TypeKind::Alias { target, newtype: true } => vec![target],
            _ => Vec::new(),
        };
        for slot in slots {
            box_direct(slot, &|to| same_cycle(index, to));
        }
    }
}

/// The types a definition holds by value (before considering indirection).
fn contained(kind: &TypeKind) -> Vec<&TypeRef> {
    match kind {
        TypeKind::Struct(structure) => structure.fields.iter().map(|field| &field.ty).collect(),
        TypeKind::Union(union) => union.variants.iter().map(|variant| &variant.ty).collect(),
        TypeKind::Alias { target, .. } => vec![target],
        TypeKind::Enum(_) | TypeKind::Responses(_) => Vec::new(),
    }
}

/// Named types held without heap indirection (`Option` does not count as
/// indirection; `Vec`, `BTreeMap` and `Box` do). Aliases that are not
/// newtypes are looked through by the caller's graph, since they are
/// transparent: their own edges carry on.
fn direct_named(ty: &TypeRef, found: &mut Vec<usize>) {
    match ty {
        TypeRef::Named(TypeId(id)) => found.push(*id),
        TypeRef::Option(inner) => direct_named(inner, found),
        _ => {}
    }
}

fn all_named(ty: &TypeRef, found: &mut Vec<usize>) {
    match ty {
        TypeRef::Named(TypeId(id)) => found.push(*id),
        TypeRef::Option(inner) | TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Boxed(inner) => all_named(inner, found),
        _ => {}
    }
}

fn box_direct(ty: &mut TypeRef, in_cycle: &dyn Fn(usize) -> bool) {
    match ty {
        TypeRef::Named(TypeId(id)) if in_cycle(*id) => {
            let inner = std::mem::replace(ty, TypeRef::Unit);
            *ty = TypeRef::Boxed(Box::new(inner));
        }
        TypeRef::Option(inner) => box_direct(inner, in_cycle),
        _ => {}
    }
}

/// Tarjan's algorithm, iterative (deep specs must not overflow the stack).
/// Returns the component index of every node.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    let count = edges.len();
    let mut index_of = vec![usize::MAX; count];
    let mut low = vec![0; count];
    let mut on_stack = vec![false; count];
    let mut stack = Vec::new();
    let mut component = vec![usize::MAX; count];
    let mut next_index = 0;
    let mut next_component = 0;
    for start in 0..count {
        if index_of[start] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(start, 0)];
        while let Some((node, child)) = work.pop() {
            if child == 0 {
                index_of[node] = next_index;
                low[node] = next_index;
                next_index += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            let mut descended = false;
            let targets = &edges[node];
            let mut position = child;
            while position < targets.len() {
                let target = targets[position];
                position += 1;
                if target >= count {
                    continue;
                }
                if index_of[target] == usize::MAX {
                    work.push((node, position));
                    work.push((target, 0));
                    descended = true;
                    break;
                } else if on_stack[target] {
                    low[node] = low[node].min(index_of[target]);
                }
            }
            if descended {
                continue;
            }
            if low[node] == index_of[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
            if let Some((parent, _)) = work.last() {
                let parent = *parent;
                low[parent] = low[parent].min(low[node]);
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_components() {
        // 0 → 1 → 2 → 0 is a cycle; 3 → 3 is a self loop; 4 is alone.
        let edges = vec![vec![1], vec![2], vec![0], vec![3], vec![]];
        let components = strongly_connected(&edges);
        assert_eq!(components[0], components[1]);
        assert_eq!(components[1], components[2]);
        assert_ne!(components[0], components[3]);
        assert_ne!(components[3], components[4]);
    }
}
