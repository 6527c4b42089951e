//! Name spellings (L207, S503): names compare after lower-casing and removing
//! `_`, so `ID`/`Id` count as `id`: `giftType` spells `gift_type`, `roomID`
//! and `msg.RoomID` spell `room_id`; `rid` and `msgType` spell neither.

/// The comparable form of a name: lower-cased, `_` removed.
pub fn normalize(name: &str) -> String {
    name.chars()
        .filter(|&c| c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// The last identifier of a selector: `msg.RoomID` → `RoomID`.
pub fn last_segment(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

/// Whether `name` (an identifier or a field selector, judged by its last
/// segment) spells `target`.
pub fn spells(name: &str, target: &str) -> bool {
    let name = last_segment(name);
    !name.is_empty() && normalize(name) == normalize(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_underscores_and_id_do_not_matter() {
        for name in [
            "roomID",
            "roomId",
            "room_id",
            "RoomID",
            "msg.RoomID",
            "ROOM_ID",
        ] {
            assert!(spells(name, "room_id"), "{name}");
        }
        assert!(spells("giftType", "gift_type"));
        assert!(spells("actionType", "action_type"));
        assert!(spells("action", "action"));
    }

    #[test]
    fn other_words_do_not_spell_the_target() {
        for name in ["rid", "room", "roomIDs", "msg.Room", "", "r."] {
            assert!(!spells(name, "room_id"), "{name}");
        }
        assert!(!spells("msgType", "action_type"));
        assert!(!spells("actions", "action"));
    }
}
