//===- ModelABI.cpp - The C ABI of compiled models ------------------------===//

#include "qc/Compiler/ModelABI.h"

#include "qc/Runtime/qc_model.h"

#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/IRBuilder.h"

using namespace mlir;
using namespace mlir::qc;

//===----------------------------------------------------------------------===//
// Signature
//===----------------------------------------------------------------------===//

/// The qc_dtype of an element type (integers read as unsigned when
/// `isUnsigned`); 0 when the ABI has none.
static int32_t dtypeOf(Type type, bool isUnsigned) {
  if (isUnsigned && type.isSignlessInteger() && !type.isInteger(1)) {
    switch (type.getIntOrFloatBitWidth()) {
    case 8:
      return QC_DTYPE_UINT8;
    case 16:
      return QC_DTYPE_UINT16;
    case 32:
      return QC_DTYPE_UINT32;
    case 64:
      return QC_DTYPE_UINT64;
    default:
      return 0;
    }
  }
  if (type.isF32())
    return QC_DTYPE_FLOAT32;
  if (type.isF64())
    return QC_DTYPE_FLOAT64;
  if (type.isF16())
    return QC_DTYPE_FLOAT16;
  if (type.isBF16())
    return QC_DTYPE_BFLOAT16;
  if (type.isInteger(1))
    return QC_DTYPE_BOOL;
  if (type.isInteger(8))
    return QC_DTYPE_INT8;
  if (type.isInteger(16))
    return QC_DTYPE_INT16;
  if (type.isInteger(32))
    return QC_DTYPE_INT32;
  if (type.isInteger(64))
    return QC_DTYPE_INT64;
  return 0;
}

static FailureOr<TensorSignature> readTensor(Operation *function, Type type,
                                             DictionaryAttr attrs,
                                             StringRef defaultName) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  bool isUnsigned = attrs && attrs.contains("onnx.unsigned");
  int32_t dtype = tensor ? dtypeOf(tensor.getElementType(), isUnsigned) : 0;
  if (!tensor || !tensor.hasStaticShape() || dtype == 0)
    return function->emitError()
           << "expected model inputs and outputs of static shape and a "
              "numeric element type, got "
           << type;
  TensorSignature signature;
  auto name = attrs ? attrs.getAs<StringAttr>("onnx.name") : StringAttr();
  signature.name = name ? name.str() : defaultName.str();
  signature.dtype = dtype;
  signature.shape.assign(tensor.getShape().begin(), tensor.getShape().end());
  return signature;
}

FailureOr<ModelSignature> mlir::qc::readModelSignature(Operation *op) {
  auto function = cast<FunctionOpInterface>(op);
  ModelSignature signature;
  for (auto [index, type] : llvm::enumerate(function.getArgumentTypes())) {
    FailureOr<TensorSignature> tensor =
        readTensor(op, type, function.getArgAttrDict(index),
                   ("input" + Twine(index)).str());
    if (failed(tensor))
      return failure();
    signature.inputs.push_back(*tensor);
  }
  for (auto [index, type] : llvm::enumerate(function.getResultTypes())) {
    FailureOr<TensorSignature> tensor =
        readTensor(op, type, function.getResultAttrDict(index),
                   ("output" + Twine(index)).str());
    if (failed(tensor))
      return failure();
    signature.outputs.push_back(*tensor);
  }
  return signature;
}

//===----------------------------------------------------------------------===//
// Metadata
//===----------------------------------------------------------------------===//

namespace {
class ABIEmitter {
public:
  ABIEmitter(llvm::Module &module)
      : module(module), context(module.getContext()),
        ptrType(llvm::PointerType::getUnqual(context)),
        i32(llvm::Type::getInt32Ty(context)),
        i64(llvm::Type::getInt64Ty(context)),
        // Layout of qc_tensor_info.
        tensorInfoType(llvm::StructType::get(context, {ptrType, i32, i32,
                                                       ptrType})) {}

  void emitMetadata(const ModelSignature &signature);
  /// Defines `invokeName`(void **buffers), which calls `model` on the
  /// buffers, inputs first.
  LogicalResult emitInvoke(const ModelSignature &signature,
                           llvm::Function *model, StringRef invokeName);

private:
  llvm::Constant *privateGlobal(llvm::Constant *initializer, StringRef name);
  llvm::Constant *tensorInfoArray(ArrayRef<TensorSignature> tensors,
                                  StringRef prefix);

  llvm::Module &module;
  llvm::LLVMContext &context;
  llvm::PointerType *ptrType;
  llvm::IntegerType *i32;
  llvm::IntegerType *i64;
  llvm::StructType *tensorInfoType;
};
} // namespace

llvm::Constant *ABIEmitter::privateGlobal(llvm::Constant *initializer,
                                          StringRef name) {
  return new llvm::GlobalVariable(module, initializer->getType(),
                                  /*isConstant=*/true,
                                  llvm::GlobalValue::PrivateLinkage,
                                  initializer, name);
}

llvm::Constant *ABIEmitter::tensorInfoArray(ArrayRef<TensorSignature> tensors,
                                            StringRef prefix) {
  SmallVector<llvm::Constant *> infos;
  for (auto [index, tensor] : llvm::enumerate(tensors)) {
    std::string base = (prefix + Twine(index)).str();
    llvm::Constant *name = privateGlobal(
        llvm::ConstantDataArray::getString(context, tensor.name),
        base + ".name");
    llvm::Constant *shape = privateGlobal(
        llvm::ConstantDataArray::get(context, ArrayRef<uint64_t>(
                                                  reinterpret_cast<const uint64_t *>(
                                                      tensor.shape.data()),
                                                  tensor.shape.size())),
        base + ".shape");
    infos.push_back(llvm::ConstantStruct::get(
        tensorInfoType,
        {name, llvm::ConstantInt::get(i32, tensor.dtype),
         llvm::ConstantInt::get(i32, tensor.shape.size()), shape}));
  }
  auto arrayType = llvm::ArrayType::get(tensorInfoType, infos.size());
  return privateGlobal(llvm::ConstantArray::get(arrayType, infos),
                       (prefix + "s").str());
}

void ABIEmitter::emitMetadata(const ModelSignature &signature) {
  // Layout of qc_model_metadata_t in runtime/qc_model.c.
  auto metadataType =
      llvm::StructType::get(context, {i32, i32, i32, ptrType, ptrType});
  llvm::Constant *metadata = llvm::ConstantStruct::get(
      metadataType,
      {llvm::ConstantInt::get(i32, QC_MODEL_ABI_VERSION),
       llvm::ConstantInt::get(i32, signature.inputs.size()),
       llvm::ConstantInt::get(i32, signature.outputs.size()),
       tensorInfoArray(signature.inputs, "qc.input"),
       tensorInfoArray(signature.outputs, "qc.output")});
  auto *global = new llvm::GlobalVariable(
      module, metadataType, /*isConstant=*/true,
      llvm::GlobalValue::ExternalLinkage, metadata, "qc_model_metadata");
  global->setVisibility(llvm::GlobalValue::HiddenVisibility);
}

//===----------------------------------------------------------------------===//
// qc_model_invoke
//===----------------------------------------------------------------------===//

LogicalResult ABIEmitter::emitInvoke(const ModelSignature &signature,
                                     llvm::Function *model,
                                     StringRef invokeName) {
  auto *invokeType = llvm::FunctionType::get(llvm::Type::getVoidTy(context),
                                             {ptrType}, /*isVarArg=*/false);
  auto *invoke = llvm::Function::Create(
      invokeType, llvm::GlobalValue::ExternalLinkage, invokeName, module);
  invoke->setVisibility(llvm::GlobalValue::HiddenVisibility);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(context, "entry", invoke));
  llvm::Value *buffers = invoke->getArg(0);

  // Each buffer becomes a memref: allocated and aligned pointer, offset 0,
  // sizes, row-major strides.
  SmallVector<llvm::Value *> arguments;
  std::vector<TensorSignature> tensors = signature.inputs;
  llvm::append_range(tensors, signature.outputs);
  for (auto [index, tensor] : llvm::enumerate(tensors)) {
    llvm::Value *slot = b.CreateConstGEP1_64(ptrType, buffers, index);
    llvm::Value *pointer = b.CreateLoad(ptrType, slot);
    arguments.append({pointer, pointer, b.getInt64(0)});
    for (int64_t size : tensor.shape)
      arguments.push_back(b.getInt64(size));
    int64_t stride = 1;
    SmallVector<llvm::Value *> strides;
    for (int64_t size : llvm::reverse(tensor.shape)) {
      strides.push_back(b.getInt64(stride));
      stride *= size;
    }
    arguments.append(strides.rbegin(), strides.rend());
  }
  if (arguments.size() != model->arg_size())
    return failure();
  b.CreateCall(model, arguments);
  b.CreateRetVoid();
  return success();
}

LogicalResult mlir::qc::emitModelABI(llvm::Module &module,
                                     const ModelSignature &signature) {
  // Only the C ABI is exported; generated functions stay inside.
  for (llvm::Function &function : module)
    if (!function.isDeclaration())
      function.setLinkage(llvm::GlobalValue::InternalLinkage);
  ABIEmitter emitter(module);
  emitter.emitMetadata(signature);
  llvm::Function *model = module.getFunction(kModelFunctionName);
  if (!model ||
      failed(emitter.emitInvoke(signature, model, "qc_model_invoke")))
    return failure();
  // GPU models also run on buffers in device memory.
  if (llvm::Function *device = module.getFunction(kDeviceModelFunctionName))
    return emitter.emitInvoke(signature, device, "qc_model_invoke_device");
  return success();
}
