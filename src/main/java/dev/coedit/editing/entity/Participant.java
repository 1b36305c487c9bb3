package dev.coedit.editing.entity;

import dev.coedit.ot.Selection;

/** Someone in a document, as everyone else sees them. {@code selection} is null until they place a caret. */
public record Participant(String clientId, String name, String color, Selection selection) {

    public Participant withSelection(Selection newSelection) {
        return new Participant(clientId, name, color, newSelection);
    }
}
