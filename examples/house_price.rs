//! The house-price walkthrough: a model's contract, written as MLflow writes it.
//!
//! Run with `cargo run -p signature-examples --example house_price`.

use signature_runtime::{
    ColSpec, DataType, ModelSignature, ParamSchema, ParamSpec, Schema, mlflow::signature_from_json,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let inputs = Schema::from_columns(vec![
        ColSpec::new("sqft", DataType::Double),
        ColSpec::new("bedrooms", DataType::Long),
    ])?;
    let outputs = Schema::from_columns(vec![ColSpec::new("price", DataType::Double)])?;
    let params = ParamSchema::new(vec![ParamSpec::scalar("discount", DataType::Double, 0.0)?])?;
    let signature = ModelSignature::new(Some(inputs), Some(outputs), Some(params))?;

    println!("The house-price model takes sqft (double) and bedrooms (long), returns a price.\n");
    let json = signature.to_dict().to_json();
    println!(
        "MLflow signature, byte for byte as json.dumps(signature.to_dict()) prints it:\n{json}\n"
    );

    // What MLflow writes, we read back to the same contract.
    let read_back = signature_from_json(&json)?;
    assert_eq!(read_back, signature);
    println!("Read back from that JSON: the same signature.");
    Ok(())
}
