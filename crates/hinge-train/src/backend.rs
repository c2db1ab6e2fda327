use burn::tensor::Device;

use crate::TrainError;

hinge_data::named_enum! {
    /// The compute backends a run can use; each one is compiled in only with its cargo
    /// feature, so the default build stays small.
    pub enum BackendKind("backend") { Flex = "flex", Ndarray = "ndarray", Wgpu = "wgpu", Cuda = "cuda" }
}

impl BackendKind {
    pub fn is_compiled(self) -> bool {
        match self {
            BackendKind::Flex => cfg!(feature = "flex"),
            BackendKind::Ndarray => cfg!(feature = "ndarray"),
            BackendKind::Wgpu => cfg!(feature = "wgpu"),
            BackendKind::Cuda => cfg!(feature = "cuda"),
        }
    }

    pub fn compiled() -> Vec<BackendKind> {
        Self::ALL
            .iter()
            .copied()
            .filter(|b| b.is_compiled())
            .collect()
    }

    /// The backend a run uses when none is named: a GPU one if one was compiled in (the
    /// reason to enable its feature), else the CPU ones. cuda is passed over on a machine
    /// without the NVIDIA driver, so one build serves machines with and without NVIDIA GPUs;
    /// wgpu is not, because a wgpu build without a working driver is a fault to report.
    pub fn preferred() -> BackendKind {
        [
            BackendKind::Cuda,
            BackendKind::Wgpu,
            BackendKind::Flex,
            BackendKind::Ndarray,
        ]
        .into_iter()
        .find(|b| b.is_compiled() && (*b != BackendKind::Cuda || cuda_driver_present()))
        .or_else(|| Self::compiled().first().copied())
        .expect("the crate does not compile without a backend feature")
    }

    /// The backend a program was asked for, or with none the preferred one compiled in.
    pub fn chosen(given: Option<BackendKind>) -> BackendKind {
        given.unwrap_or_else(BackendKind::preferred)
    }

    /// The device to train on, or an error naming the feature to enable.
    pub fn device(self) -> Result<Device, TrainError> {
        self.open().map(|opened| opened.device)
    }

    /// The device with the words that tell the user what it runs on. A GPU backend is brought
    /// up here, so a missing driver is an error before any file is written, not a panic in
    /// the middle of training.
    pub fn open(self) -> Result<OpenedDevice, TrainError> {
        let (device, description) = match self {
            #[cfg(feature = "flex")]
            BackendKind::Flex => (Device::flex(), "CPU".to_string()),
            #[cfg(feature = "ndarray")]
            #[allow(deprecated)]
            // burn 0.22 keeps ndarray for comparison runs; flex replaces it.
            BackendKind::Ndarray => (Device::ndarray(), "CPU".to_string()),
            #[cfg(feature = "wgpu")]
            BackendKind::Wgpu => wgpu::open()?,
            #[cfg(feature = "cuda")]
            BackendKind::Cuda => cuda::open()?,
            #[allow(unreachable_patterns)] // every backend compiled in: nothing is left.
            other => {
                return Err(TrainError::BackendNotCompiled {
                    name: other.name().to_string(),
                    compiled: Self::compiled()
                        .iter()
                        .map(|b| b.name())
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
        };
        Ok(OpenedDevice {
            backend: self,
            device,
            description,
        })
    }
}

/// A backend's device, ready to train on.
#[derive(Debug, Clone)]
pub struct OpenedDevice {
    pub backend: BackendKind,
    pub device: Device,
    /// For wgpu, the adapter and graphics API it came up on: on a machine without a GPU that
    /// is a software driver, which explains a slow run.
    pub description: String,
}

impl std::fmt::Display for OpenedDevice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.backend, self.description)
    }
}

#[cfg(feature = "wgpu")]
mod wgpu {
    use std::sync::OnceLock;

    use burn::tensor::Device;
    use burn::tensor::wgpu::WgpuInitError;

    use crate::TrainError;

    /// burn registers a wgpu runtime once per process and refuses a second registration, so
    /// the first outcome, good or bad, is the answer for every later run in the process.
    static OPENED: OnceLock<Result<(Device, String), Failure>> = OnceLock::new();

    #[derive(Debug, Clone)]
    enum Failure {
        NoAdapter,
        Other(String),
    }

    pub(super) fn open() -> Result<(Device, String), TrainError> {
        OPENED
            .get_or_init(|| {
                let (device, setup) =
                    Device::wgpu_options()
                        .init_with_setup()
                        .map_err(|err| match err {
                            WgpuInitError::AdapterUnavailable { .. } => Failure::NoAdapter,
                            other => Failure::Other(other.to_string()),
                        })?;
                let info = setup.adapter.get_info();
                let driver = [info.driver.as_str(), info.driver_info.as_str()]
                    .into_iter()
                    .filter(|part| !part.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
                let description = format!(
                    "adapter: {}, graphics API: {:?}, type: {:?}, driver: {}",
                    info.name,
                    info.backend,
                    info.device_type,
                    if driver.is_empty() {
                        "unknown"
                    } else {
                        &driver
                    },
                );
                Ok((device, description))
            })
            .clone()
            .map_err(|failure| match failure {
                Failure::NoAdapter => TrainError::NoWgpuAdapter,
                Failure::Other(reason) => TrainError::WgpuStart(reason),
            })
    }
}

/// Whether the NVIDIA driver's library loads. cubecl loads it the same way and panics when it
/// is missing, so it is looked for first.
fn cuda_driver_present() -> bool {
    #[cfg(feature = "cuda")]
    {
        // SAFETY: loading the driver library runs only its initialisers, as cubecl's own
        // check does; the handle is dropped at once.
        ["libcuda.so.1", "libcuda.so"]
            .iter()
            .any(|&name| unsafe { libloading::Library::new(name) }.is_ok())
    }
    #[cfg(not(feature = "cuda"))]
    false
}

#[cfg(feature = "cuda")]
mod cuda {
    use burn::tensor::Device;

    use crate::TrainError;

    pub(super) fn open() -> Result<(Device, String), TrainError> {
        if !super::cuda_driver_present() {
            return Err(TrainError::NoCudaDriver);
        }
        Ok((Device::cuda(0), "CUDA device 0".to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_rejected() {
        for &backend in BackendKind::ALL {
            assert_eq!(backend.name().parse::<BackendKind>().unwrap(), backend);
        }
        let err = "tpu".parse::<BackendKind>().unwrap_err();
        assert!(err.to_string().contains("'tpu'"), "{err}");
    }

    #[test]
    fn a_backend_not_compiled_in_names_its_feature() {
        for backend in BackendKind::ALL
            .iter()
            .copied()
            .filter(|b| !b.is_compiled())
        {
            let err = backend.device().unwrap_err();
            let flag = format!("--features {}", backend.name());
            assert!(err.to_string().contains(&flag), "{err}");
        }
        assert!(BackendKind::preferred().is_compiled());
    }

    #[test]
    fn cpu_backends_open_when_compiled() {
        for backend in [BackendKind::Flex, BackendKind::Ndarray] {
            if backend.is_compiled() {
                let opened = backend.open().unwrap();
                assert_eq!(opened.to_string(), format!("{backend} (CPU)"));
            }
        }
    }

    #[cfg(feature = "cuda")]
    #[test]
    fn cuda_opens_only_where_the_nvidia_driver_is() {
        match BackendKind::Cuda.open() {
            Ok(opened) => {
                assert!(cuda_driver_present());
                assert_eq!(BackendKind::preferred(), BackendKind::Cuda);
                assert_eq!(opened.backend, BackendKind::Cuda);
            }
            Err(err) => {
                assert!(!cuda_driver_present());
                assert!(err.to_string().contains("libcuda.so"), "{err}");
                assert_ne!(BackendKind::preferred(), BackendKind::Cuda);
            }
        }
    }
}
