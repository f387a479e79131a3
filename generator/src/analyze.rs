//! Stage 4: whole-type-space analysis before emitting.
//!
//! * Aliases that expand into themselves (`A = Vec<B>`, `B = Vec<A>`) cannot
//!   be `type` aliases in Rust; they become newtypes.
//! * A type that contains itself without indirection (directly or through
//!   other types, `Option` included) has infinite size; the field or variant
//!   that closes the cycle gets a `Box`.

use crate::ir::{Api, Operation, SerdeUse, TypeId, TypeKind, TypeRef, TypeSpace};

/// Applies both fixes in place.
pub fn break_cycles(types: &mut TypeSpace) {
    mark_recursive_aliases(types);
    box_recursive_fields(types);
}

/// Marks every type no operation reaches (through parameters, bodies and
/// responses, transitively) as pruned, so it is not emitted.
pub fn prune_unused(api: &mut Api) {
    let roots = api.operations.iter().flat_map(operation_roots).collect();
    let reached = reachable(&api.types, roots);
    api.types.pruned = reached.iter().enumerate().filter(|(_, reached)| !**reached).map(|(id, _)| TypeId(id)).collect();
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
    // What no operation reaches gets both, and so does everything it uses.
    let unreached = (0..api.types.defs.len()).filter(|id| !sent[*id] && !received[*id]).collect();
    let both = reachable(&api.types, unreached);
    for (id, def) in api.types.defs.iter_mut().enumerate() {
        def.serde = if both[id] { SerdeUse::BOTH } else { SerdeUse { serialize: sent[id], deserialize: received[id] } };
    }
}

/// The named types an operation sends and the ones it receives.
fn directed_roots(operation: &Operation) -> (Vec<usize>, Vec<usize>) {
    let mut sent = Vec::new();
    for ty in operation.params.iter().map(|param| &param.ty).chain(operation.body.iter().map(|body| &body.ty)) {
        all_named(ty, &mut sent);
    }
    let mut received = Vec::new();
    for case in operation.success.iter().chain(&operation.errors) {
        for ty in case.body.iter().map(|body| &body.ty).chain(case.headers.iter().map(|header| &header.ty)) {
            all_named(ty, &mut received);
        }
    }
    received.extend(operation.success_type.iter().chain(&operation.error_type).map(|id| id.0));
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
            let cyclic = edges[index].contains(&index)
                || components.iter().enumerate().any(|(other, c)| other != index && *c == component);
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
    let same_cycle = |from: usize, to: usize| {
        from == to && edges[from].contains(&from) || from != to && components[from] == components[to]
    };
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
        TypeKind::Enum(_) | TypeKind::Pending | TypeKind::Responses(_) => Vec::new(),
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
        TypeRef::Option(inner) | TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Boxed(inner) => {
            all_named(inner, found)
        }
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
