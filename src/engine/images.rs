//! Images: what a local image says about users and directories.

use super::Engine;

#[derive(Debug, Clone, Default)]
pub struct ImageInfo {
    pub user: Option<String>,
    pub workdir: Option<String>,
}

impl Engine {
    /// The image's configuration, or `None` when it is not on the engine.
    pub async fn image_info(&self, image: &str) -> anyhow::Result<Option<ImageInfo>> {
        match self.docker().inspect_image(image).await {
            Ok(inspect) => {
                let config = inspect.config.unwrap_or_default();
                Ok(Some(ImageInfo {
                    user: config.user.filter(|u| !u.is_empty()),
                    workdir: config.working_dir.filter(|w| !w.is_empty()),
                }))
            }
            Err(e) if super::status(&e) == Some(404) => Ok(None),
            Err(e) => Err(self.fail(e, &format!("inspecting image {image}"))),
        }
    }
}
