package io.resnetspark.model.onednn;

import org.bytedeco.javacpp.Pointer;

/** A raw address handed to oneDNN as a data handle: the memory belongs to ND4J or to a {@link NativeBuffer}. */
final class Address extends Pointer {
    Address() {
        super((Pointer) null);
    }

    Address at(long address) {
        this.address = address;
        return this;
    }
}
