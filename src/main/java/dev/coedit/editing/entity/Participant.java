package dev.coedit.editing.entity;

import dev.coedit.ot.Selection;

/**
 * Someone in a document, as everyone else sees them. {@code user} is who signed in (several tabs of one user are
 * several clients); {@code selection} is null until they place a caret.
 */
public record Participant(String clientId, String user, String name, String color, Selection selection) {

    public Participant withSelection(Selection newSelection) {
        return new Participant(clientId, user, name, color, newSelection);
    }
}
