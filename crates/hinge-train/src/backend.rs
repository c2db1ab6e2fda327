use burn::tensor::Device;

use crate::TrainError;

/// The compute backends a run can use; each one is compiled in only with its cargo feature,
/// so the default build stays small.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    Flex,
    Ndarray,
    Wgpu,
    Cuda,
}

impl BackendKind {
    pub const ALL: [BackendKind; 4] = [
        BackendKind::Flex,
        BackendKind::Ndarray,
        BackendKind::Wgpu,
        BackendKind::Cuda,
    ];

    pub fn name(self) -> &'static str {
        match self {
            BackendKind::Flex => "flex",
            BackendKind::Ndarray => "ndarray",
            BackendKind::Wgpu => "wgpu",
            BackendKind::Cuda => "cuda",
        }
    }

    pub fn is_compiled(self) -> bool {
        match self {
            BackendKind::Flex => cfg!(feature = "flex"),
            BackendKind::Ndarray => cfg!(feature = "ndarray"),
            BackendKind::Wgpu => cfg!(feature = "wgpu"),
            BackendKind::Cuda => cfg!(feature = "cuda"),
        }
    }

    pub fn compiled() -> Vec<BackendKind> {
        Self::ALL.into_iter().filter(|b| b.is_compiled()).collect()
    }

    /// The backend a run uses when none is named: a GPU one if one was compiled in (the
    /// reason to enable its feature), else the CPU ones.
    pub fn preferred() -> BackendKind {
        [
            BackendKind::Cuda,
            BackendKind::Wgpu,
            BackendKind::Flex,
            BackendKind::Ndarray,
        ]
        .into_iter()
        .find(|b| b.is_compiled())
        .expect("the crate does not compile without a backend feature")
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

    use crate::TrainError;

    /// burn registers a wgpu runtime once per process and refuses a second registration, so
    /// the first outcome, good or bad, is the answer for every later run in the process.
    static OPENED: OnceLock<Result<(Device, String), String>> = OnceLock::new();

    pub(super) fn open() -> Result<(Device, String), TrainError> {
        OPENED
            .get_or_init(|| {
                let (device, setup) = Device::wgpu_options()
                    .init_with_setup()
                    .map_err(|err| err.to_string())?;
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
            .map_err(TrainError::NoWgpuAdapter)
    }
}

#[cfg(feature = "cuda")]
mod cuda {
    use burn::tensor::Device;

    use crate::TrainError;

    /// The names the NVIDIA driver's library goes by; cubecl loads it the same way, and
    /// panics when it is missing, so it is looked for first.
    const DRIVER_LIBRARIES: [&str; 2] = ["libcuda.so.1", "libcuda.so"];

    pub(super) fn open() -> Result<(Device, String), TrainError> {
        // SAFETY: loading the driver library runs only its initialisers, as cubecl's own
        // check does; the handle is dropped at once.
        let present = DRIVER_LIBRARIES
            .iter()
            .any(|name| unsafe { libloading::Library::new(name) }.is_ok());
        if !present {
            return Err(TrainError::NoCudaDriver);
        }
        Ok((Device::cuda(0), "CUDA device 0".to_string()))
    }
}

impl std::fmt::Display for BackendKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for BackendKind {
    type Err = TrainError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|b| b.name() == name)
            .ok_or_else(|| TrainError::UnknownBackend(name.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_rejected() {
        for backend in BackendKind::ALL {
            assert_eq!(backend.name().parse::<BackendKind>().unwrap(), backend);
        }
        let err = "tpu".parse::<BackendKind>().unwrap_err();
        assert!(err.to_string().contains("'tpu'"), "{err}");
    }

    #[test]
    fn a_backend_not_compiled_in_names_its_feature() {
        for backend in BackendKind::ALL {
            match backend.device() {
                Ok(_) => assert!(backend.is_compiled()),
                Err(err) => {
                    assert!(!backend.is_compiled());
                    let flag = format!("--features {}", backend.name());
                    assert!(err.to_string().contains(&flag), "{err}");
                }
            }
        }
        assert!(BackendKind::preferred().is_compiled());
    }
}
