package io.resnetspark.ml;

import io.resnetspark.data.format.ImageCell;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The params that {@link ResNetClassifier} and {@link ResNetClassificationModel} share (the columns a
 * model reads and writes, the batch size and the handling of unusable images), declared once. Spark finds
 * params through their public no-argument methods and compares them by owner and name, so each method
 * may hand out a new {@link Param} object.
 *
 * @param <S> the implementing class, which the setters return
 */
public interface ScoringParams<S extends ScoringParams<S>> extends Params {
    List<String> HANDLE_INVALID = List.of("error", "skip", "keep");

    default Param<String> imageCol() {
        return new Param<>(this, "imageCol", "column of images: image file bytes (binary, as the binaryFile source"
                + " reads them) or Spark's image struct");
    }

    default Param<String> predictionCol() {
        return new Param<>(this, "predictionCol", "output column of the predicted class index; \"\" = none");
    }

    default Param<String> probabilityCol() {
        return new Param<>(this, "probabilityCol", "output column of the class probabilities (a Vector); \"\" = none");
    }

    default Param<String> rawPredictionCol() {
        return new Param<>(this, "rawPredictionCol", "output column of the logits, the scores before softmax (a"
                + " Vector); \"\" = none");
    }

    default IntParam batchSize() {
        return new IntParam(this, "batchSize", "images per minibatch (training: per minibatch file; scoring: per"
                + " forward pass)", ParamValidators.gtEq(1));
    }

    default Param<String> handleInvalid() {
        return new Param<>(this, "handleInvalid", "what to do with an image that cannot be decoded: error (fail), "
                + "skip (leave the row out; in fit, listed in the prepared data's manifest) or keep (transform: a "
                + "NaN prediction and empty vectors; fit: as skip, since it cannot be learned)",
                ParamValidators.inArray(HANDLE_INVALID));
    }

    default String getImageCol() {
        return getOrDefault(imageCol());
    }

    default String getPredictionCol() {
        return getOrDefault(predictionCol());
    }

    default String getProbabilityCol() {
        return getOrDefault(probabilityCol());
    }

    default String getRawPredictionCol() {
        return getOrDefault(rawPredictionCol());
    }

    default int getBatchSize() {
        return (Integer) getOrDefault(batchSize());
    }

    default String getHandleInvalid() {
        return getOrDefault(handleInvalid());
    }

    @SuppressWarnings("unchecked")
    default S setImageCol(String v) {
        set(imageCol(), v);
        return (S) this;
    }

    @SuppressWarnings("unchecked")
    default S setPredictionCol(String v) {
        set(predictionCol(), v);
        return (S) this;
    }

    @SuppressWarnings("unchecked")
    default S setProbabilityCol(String v) {
        set(probabilityCol(), v);
        return (S) this;
    }

    @SuppressWarnings("unchecked")
    default S setRawPredictionCol(String v) {
        set(rawPredictionCol(), v);
        return (S) this;
    }

    @SuppressWarnings("unchecked")
    default S setBatchSize(int v) {
        set(batchSize(), v);
        return (S) this;
    }

    @SuppressWarnings("unchecked")
    default S setHandleInvalid(String v) {
        set(handleInvalid(), v);
        return (S) this;
    }

    /** Spark's defaults for the shared params; each implementing class calls it from its constructor. */
    default void scoringDefaults() {
        setDefault(imageCol(), "image");
        setDefault(predictionCol(), "prediction");
        setDefault(probabilityCol(), "probability");
        setDefault(rawPredictionCol(), "rawPrediction");
        setDefault(batchSize(), 64);
        setDefault(handleInvalid(), "error");
    }

    /**
     * The schema a model's transform gives: the input's columns and the wanted output columns (logits,
     * probabilities, then the prediction, which names the classes in its metadata for IndexToString).
     */
    default StructType outputSchema(StructType in, List<String> classes) {
        String image = getImageCol();
        if (!Arrays.asList(in.fieldNames()).contains(image)) {
            throw new IllegalArgumentException("imageCol '" + image + "' is not a column of the data (columns: "
                    + String.join(", ", in.fieldNames()) + ")");
        }
        if (ImageCell.kind(in.apply(image).dataType()) == null) {
            throw new IllegalArgumentException("imageCol '" + image + "' is " + in.apply(image).dataType().simpleString()
                    + "; it must hold image file bytes (binary) or Spark's image struct");
        }
        List<StructField> fields = new ArrayList<>(Arrays.asList(in.fields()));
        if (!getRawPredictionCol().isEmpty()) {
            fields.add(DataTypes.createStructField(getRawPredictionCol(), SQLDataTypes.VectorType(), true));
        }
        if (!getProbabilityCol().isEmpty()) {
            fields.add(DataTypes.createStructField(getProbabilityCol(), SQLDataTypes.VectorType(), true));
        }
        if (!getPredictionCol().isEmpty()) {
            fields.add(NominalAttribute.defaultAttr().withName(getPredictionCol())
                    .withValues(classes.toArray(new String[0])).toStructField());
        }
        List<String> names = new ArrayList<>();
        for (StructField f : fields) {
            if (names.contains(f.name())) {
                throw new IllegalArgumentException("output column '" + f.name() + "' already exists in the data;"
                        + " choose another name");
            }
            names.add(f.name());
        }
        return DataTypes.createStructType(fields);
    }
}
