package dev.coedit.ot;

/**
 * One step of a {@link TextOp}, walking the document from its start: keep ({@link Skip}), add ({@link Insert}) or
 * remove ({@link Delete}) text. Lengths are Unicode code points, never UTF-16 chars, so that every implementation of
 * the text-unicode type (JavaScript, Rust, this one) counts the same: 😀 is 1, "한" is 1, "e\u0301" is 2.
 *
 * <p>The records validate themselves, so a component that exists is well-formed: counts at least 1, texts non-empty
 * and free of unpaired surrogates.
 */
public sealed interface Component permits Skip, Insert, Delete {
}
